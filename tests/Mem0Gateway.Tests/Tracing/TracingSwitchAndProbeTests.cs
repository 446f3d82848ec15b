using System.Diagnostics;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>What the gateway does to trace context when tracing is off, and that its own health probes are never traced.</summary>
public sealed class TracingSwitchAndProbeTests
{
    [Fact]
    public async Task With_tracing_off_the_callers_traceparent_reaches_the_upstream_verbatim_and_none_is_invented()
    {
        await using var traced = await TracedStack.StartAsync(o => o.Settings["Gateway:Tracing:Enabled"] = "false");
        var callerTraceparent = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        using var client = traced.Client("mem0");
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=a");
        withHeader.Headers.Add("traceparent", callerTraceparent);
        withHeader.Headers.Add("tracestate", "vendor=abc");
        using var first = await client.SendAsync(withHeader);
        using var second = await client.GetAsync("/memories/6a3c0d52-5bcd-4bb5-9fd1-6c6f3f0b6a55");

        var forwarded = Assert.Single(traced.Stack.Mem0.RequestsTo("GET", "/memories"));
        Assert.Equal(callerTraceparent, forwarded.Header("traceparent"));
        Assert.Equal("vendor=abc", forwarded.Header("tracestate"));
        var plain = Assert.Single(traced.Stack.Mem0.RequestsTo("GET", "/memories/6a3c0d52-5bcd-4bb5-9fd1-6c6f3f0b6a55"));
        Assert.Null(plain.Header("traceparent"));
        Assert.False(first.Headers.Contains("X-Trace-Id"));
    }

    [Fact]
    public async Task Active_health_probes_create_no_spans()
    {
        await using var traced = await TracedStack.StartAsync(o =>
        {
            o.ActiveHealthChecks = true;
            o.EditConfig = config =>
            {
                foreach (var (_, cluster) in config["ReverseProxy"]!["Clusters"]!.AsObject())
                {
                    cluster!["HealthCheck"]!["Active"]!["Interval"] = "00:00:00.500";
                }
            };
        });
        await Poll.UntilAsync(() => traced.Stack.Mem0.HealthProbes >= 3, TimeSpan.FromSeconds(15), "the gateway probing its upstream three times");
        var probePort = $":{traced.Stack.Mem0.Port}/openapi.json";
        Assert.DoesNotContain(traced.Spans, s => (s.GetTagItem("url.full") as string)?.Contains(probePort, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(traced.Spans, s => s.Source.Name.StartsWith("Yarp", StringComparison.Ordinal));

        // A real request in the same gateway is still traced, with its client span.
        using var client = traced.Client("mem0");
        using var response = await client.GetAsync("/openapi.json");
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        await traced.WaitForSpansAsync(traceId, s => s.Any(x => x.Kind == ActivityKind.Client));
    }

    [Fact]
    public async Task Scrapes_and_health_checks_of_the_management_port_create_no_spans()
    {
        await using var traced = await TracedStack.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await traced.Gateway.ScrapeAsync();
        }

        // A proxied request after them: once its spans are in, any span of the scrapes would be too.
        using var client = traced.Client("mem0");
        using var response = await client.GetAsync("/openapi.json");
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        await traced.WaitForSpansAsync(traceId, s => s.Any(x => x.Kind == ActivityKind.Server) && s.Any(x => x.Kind == ActivityKind.Client));
        var server = Assert.Single(traced.SpansOf(traceId), s => s.Kind == ActivityKind.Server);
        Assert.Equal("mem0", server.GetTagItem("mem0.service"));
        // ASP.NET Core's source is process-wide, so other tests' gateways and fake upstreams share it: whatever ran,
        // no exported server span lacks the tag every proxied request gets (a scrape's span would).
        Assert.DoesNotContain(traced.Spans, s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore"
            && s.GetTagItem("mem0.service") is null);
    }
}
