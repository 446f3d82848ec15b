using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;
using Xunit.Abstractions;

namespace Mem0Gateway.Monitoring.Tests.Live;

/// <summary>
/// Every `le` matcher in the rules and dashboards, checked against the buckets a real gateway exposes, in both
/// exposition formats: Prometheus scrapes OpenMetrics (prometheus-net writes le="30.0"), curl and older scrapers get
/// the text format (le="30"). A matcher that selects nothing in either format silently empties an SLO.
/// </summary>
public sealed class BucketMatcherTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_le_matcher_selects_an_exposed_bucket_in_both_exposition_formats()
    {
        await using var mem0 = await FakeMem0Upstream.StartAsync();
        await using var openmemory = await FakeMem0Upstream.StartAsync();
        var dir = Directory.CreateTempSubdirectory("mem0gw-buckets-").FullName;
        var tokenFile = LiveConfigs.TokenFile(dir);
        var options = LiveConfigs.Gateway(tokenFile, mem0.BaseAddress, openmemory.BaseAddress);
        options.DefaultDestination = openmemory.BaseAddress;
        options.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Active:Interval"] = "00:00:01";
        await using var gateway = await GatewayInstance.StartAsync(options);

        // every histogram gets observations: requests, MCP tool calls (and the SSE stream), health probes
        using var mem0Client = gateway.Client("mem0");
        using var omClient = gateway.Client("openmemory");
        await Traffic.Mem0RoundAsync(mem0Client, 0);
        await Traffic.McpSessionAsync(omClient);
        var token = (await File.ReadAllTextAsync(tokenFile)).Trim();

        async Task<string> ScrapeAsync(string? accept)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new("Bearer", token);
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            using var response = await gateway.Management.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        var families = new[]
        {
            "mem0_gateway_request_duration_seconds", "mem0_gateway_mcp_tool_call_duration_seconds", "mem0_gateway_health_check_duration_seconds",
        };
        Dictionary<string, HashSet<string>> openMetrics = [], text = [];
        // the tool-call result and the first health probe land a moment after the traffic
        await Poll.UntilAsync(async () =>
        {
            openMetrics = LeMatchers.Exposed(await ScrapeAsync("application/openmetrics-text; version=1.0.0; charset=utf-8"));
            text = LeMatchers.Exposed(await ScrapeAsync("text/plain; version=0.0.4"));
            return families.All(f => openMetrics.ContainsKey(f) && text.ContainsKey(f));
        }, TimeSpan.FromSeconds(10), "every histogram family's buckets exposed in both formats", interval: TimeSpan.FromMilliseconds(100));
        // the two formats really differ, which is why every matcher must take both
        Assert.Contains("30.0", openMetrics["mem0_gateway_request_duration_seconds"]);
        Assert.Contains("30", text["mem0_gateway_request_duration_seconds"]);
        Assert.DoesNotContain("30", openMetrics["mem0_gateway_request_duration_seconds"]);

        var matchers = LeMatchers.InRulesAndDashboards();
        Assert.NotEmpty(matchers);
        var failures = new List<string>();
        foreach (var matcher in matchers)
        {
            foreach (var (format, exposed) in new[] { ("OpenMetrics", openMetrics), ("text", text) })
            {
                if (!exposed.TryGetValue(matcher.Family, out var bounds))
                {
                    failures.Add($"{matcher}: the gateway exposes no {matcher.Family} buckets ({format})");
                }
                else if (!bounds.Any(matcher.Selects))
                {
                    failures.Add($"{matcher}: selects none of the {format} bounds {string.Join(' ', bounds)}");
                }
            }
        }

        output.WriteLine($"{matchers.Count} le matchers checked: " + string.Join("; ", matchers.Select(m => m.ToString()).Distinct().Take(20)));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
