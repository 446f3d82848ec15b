using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;
using Xunit.Abstractions;

namespace Mem0Gateway.Monitoring.Tests.Live;

/// <summary>
/// The live check: a real Prometheus (Debian 2.42) loads the project's rule files and scrapes a real gateway, with the
/// shipped gateway scrape job (token file, sample and label limits), while the test drives traffic through the gateway
/// to loopback fake upstreams. Then every recording rule, every alert expression and every dashboard query (template
/// variables resolved against this Prometheus) is evaluated through the HTTP API.
/// </summary>
public sealed partial class LiveCheckTests(ITestOutputHelper output)
{
    /// <summary>Families the gateway exposes today and the traffic below must produce samples for.</summary>
    private static readonly string[] MustBeExposed =
    [
        "mem0_gateway_requests_total", "mem0_gateway_request_duration_seconds", "mem0_gateway_requests_in_flight",
        "mem0_gateway_upstream_errors_total", "mem0_gateway_stream_time_to_first_byte_seconds", "mem0_gateway_stream_duration_seconds",
        "process_cpu_seconds_total", "process_working_set_bytes", "process_private_memory_bytes",
        "system_runtime_dotnet_thread_pool_thread_count", "system_runtime_dotnet_thread_pool_queue_length", "system_runtime_dotnet_gc_pause_time", "dotnet_collection_count_total", "dotnet_total_memory_bytes",
    ];

    [Fact]
    public async Task Every_recording_rule_alert_and_dashboard_query_is_valid_and_the_gateway_ones_return_data()
    {
        // Sample every ASP.NET Core request activity, as the gateway's OpenTelemetry tracing does when it is on: the
        // gateway then attaches the trace id of each request to its latency histogram as an exemplar.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        await using var mem0 = await FakeMem0Upstream.StartAsync();
        await using var openmemory = await FakeMem0Upstream.StartAsync();
        var dir = Directory.CreateTempSubdirectory("mem0gw-live-").FullName;
        var tokenFile = LiveConfigs.TokenFile(dir);
        // the gateway requires the token; Prometheus sends it
        var options = LiveConfigs.Gateway(tokenFile, mem0.BaseAddress, openmemory.BaseAddress);
        // openmemory-ui gets no destination: a closed port, so its requests end in 502 and upstream errors.
        await using var gateway = await GatewayInstance.StartAsync(options);

        var config = LiveConfigs.Prometheus(tokenFile, gateway.ManagementPort, RepoPaths.RuleFiles, alertmanagerPort: null);
        await using var prometheus = await PrometheusServer.StartAsync(config);

        using var mem0Client = gateway.Client("mem0");
        using var omClient = gateway.Client("openmemory");
        using var uiClient = gateway.Client("openmemory-ui");
        for (var round = 0; round < 12; round++)
        {
            await Traffic.Mem0RoundAsync(mem0Client, round, failOne: round % 4 == 0);
            await Traffic.OpenMemoryRoundAsync(omClient);
            await Traffic.AuthRoundAsync(mem0Client, round);
            using var ui = await uiClient.GetAsync("/");
            if (round % 4 == 1)
            {
                await Traffic.McpSessionAsync(omClient);
            }

            await Task.Delay(200);
        }

        // recording rules have evaluated over the traffic once the slowest group has results
        await prometheus.WaitForDataAsync("service_route_operation:mem0_gateway_request_duration_seconds:histogram_quantile5m");
        await prometheus.WaitForDataAsync("service:mem0_gateway_requests_slow_per_requests:ratio_rate3d");
        await prometheus.WaitForDataAsync("service:mem0_gateway_requests_errors_per_requests:ratio_rate5m");
        // rate() needs two scrapes of a series: probes and tool calls start later than the first requests
        await prometheus.WaitForDataAsync("service_destination_result:mem0_gateway_health_checks:rate5m");
        await prometheus.WaitForDataAsync("tool:mem0_gateway_mcp_tool_calls:rate5m");

        // the shipped gateway job (bearer token from credentials_file, sample_limit, label limits) scrapes the real gateway,
        // which refuses /metrics without the token
        var up = await prometheus.QueryAsync("up{job=\"gateway\"}");
        Assert.Equal("1", up.Result.Single()!["value"]![1]!.GetValue<string>());
        using (var anonymous = await gateway.Management.GetAsync("/metrics"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Authorization = new("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        var exposed = ExposedFamilies(await (await gateway.Management.SendAsync(scrape)).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        Assert.All(MustBeExposed, m => Assert.True(exposed.Contains(m), $"the gateway exposes no {m} samples after the test traffic"));
        var pending = Contract.GatewayMetrics.Where(m => !exposed.Contains(m)).Order().ToList();
        output.WriteLine("contract metrics with no samples after this traffic (their queries are checked for validity only): " + string.Join(", ", pending));

        var recording = Rules.Recording;
        var underlying = UnderlyingGatewayMetrics(recording);
        var failures = new List<string>();
        var withData = 0;

        async Task CheckAsync(string where, string expr, bool aboutGateway, IEnumerable<string> metrics)
        {
            var (ok, error, result) = await prometheus.QueryAsync(expr);
            if (!ok)
            {
                failures.Add($"{where}: invalid: {error}\n    {expr}");
                return;
            }

            var missing = metrics.Where(m => !exposed.Contains(m)).ToList();
            if (aboutGateway && missing.Count == 0)
            {
                // Rule groups and rate() windows fill in over a few scrape and evaluation cycles: give each query
                // a bounded grace before calling it empty.
                for (var retry = 0; result.Count == 0 && retry < 20; retry++)
                {
                    await Task.Delay(500);
                    (_, _, result) = await prometheus.QueryAsync(expr);
                }

                if (result.Count == 0)
                {
                    failures.Add($"{where}: no data\n    {expr}");
                }
                else
                {
                    withData++;
                }
            }
        }

        IEnumerable<string> MetricsOf(string expr) => Contract.GatewayMetricsIn(expr)
            .Concat(Contract.RecordedNamesIn(expr).SelectMany(r => underlying.GetValueOrDefault(r, [])));

        foreach (var record in recording.Select(r => r.Record!).Distinct())
        {
            await CheckAsync($"recording rule {record}", record, record.Contains("mem0_gateway"), underlying[record]);
        }

        foreach (var alert in Rules.Alerts)
        {
            await CheckAsync($"alert {alert.Alert}", alert.Expr, aboutGateway: false, []);
        }

        foreach (var dashboard in Dashboards.All)
        {
            var values = await ResolveVariablesAsync(prometheus, dashboard, failures);
            foreach (var target in dashboard.Targets)
            {
                var expr = Dashboards.Substitute(target.Expr, values);
                var aboutGateway = target.Expr.Contains("mem0_gateway") || target.Expr.Contains("job=\"gateway\"") || Contract.RecordedNamesIn(target.Expr).Any();
                await CheckAsync($"{dashboard.Uid} / {target.Panel}", expr, aboutGateway, MetricsOf(target.Expr));
            }
        }

        // exemplars: when the gateway attaches trace ids to its latency histogram (OpenMetrics scrape), Prometheus keeps
        // them (exemplar storage) under the label the Grafana datasource links to Jaeger with: trace_id.
        using var openMetrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        openMetrics.Headers.Authorization = new("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        openMetrics.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0; charset=utf-8");
        var openMetricsText = await (await gateway.Management.SendAsync(openMetrics)).Content.ReadAsStringAsync();
        Assert.Contains("# {trace_id=\"", openMetricsText);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var exemplars = JsonNode.Parse(await prometheus.Http.GetStringAsync(
            $"api/v1/query_exemplars?query={Uri.EscapeDataString("mem0_gateway_request_duration_seconds_bucket")}&start={now - 600}&end={now}"))!["data"]!.AsArray();
        var traceIds = exemplars.SelectMany(e => e!["exemplars"]!.AsArray()).Select(x => x!["labels"]?["trace_id"]?.GetValue<string>()).ToList();
        Assert.NotEmpty(traceIds);
        Assert.All(traceIds, id => Assert.Matches("^[0-9a-f]{32}$", id));
        output.WriteLine($"{traceIds.Count} exemplars with trace_id stored");

        // scripts/monitor_health.sh against the real gateway and this Prometheus
        var health = await Tools.RunAsync("bash", [RepoPaths.File("scripts", "monitor_health.sh")], environment: new Dictionary<string, string?>
        {
            ["GATEWAY_MANAGEMENT_URL"] = $"http://127.0.0.1:{gateway.ManagementPort}",
            ["PROMETHEUS_URL"] = $"http://127.0.0.1:{prometheus.Port}",
            ["GATEWAY_TOKEN_FILE"] = tokenFile,
        });
        output.WriteLine(health.Describe());
        // openmemory-ui (not required) has no upstream here: the gateway is Degraded, which is a warning, not a failure
        Assert.True(health.ExitCode == 0, health.Describe());
        Assert.Contains("warn: gateway HTTP 200, status Degraded; unhealthy: openmemory-ui", health.Stdout);
        Assert.Contains("ok: prometheus all 1 targets up", health.Stdout);

        var wrongToken = Path.Combine(dir, "wrong-token");
        await File.WriteAllTextAsync(wrongToken, "not-the-token");
        var refused = await Tools.RunAsync("bash", [RepoPaths.File("scripts", "monitor_health.sh")], environment: new Dictionary<string, string?>
        {
            ["GATEWAY_MANAGEMENT_URL"] = $"http://127.0.0.1:{gateway.ManagementPort}",
            ["PROMETHEUS_URL"] = $"http://127.0.0.1:{prometheus.Port}",
            ["GATEWAY_TOKEN_FILE"] = wrongToken,
        });
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("answered 401: the bearer token is missing or wrong", refused.Stderr);

        output.WriteLine($"{withData} gateway queries returned data");
        Assert.True(failures.Count == 0, $"{failures.Count} queries failed:\n" + string.Join('\n', failures));
        Assert.True(withData > 60, $"only {withData} gateway queries returned data");
    }

    /// <summary>Each template variable's own query, run against the live Prometheus, gives the values it is replaced with.</summary>
    private static async Task<Dictionary<string, string>> ResolveVariablesAsync(PrometheusServer prometheus, Dashboard dashboard, List<string> failures)
    {
        var values = new Dictionary<string, string>();
        foreach (var variable in dashboard.Variables)
        {
            if (variable.Type == "datasource")
            {
                values[variable.Name] = "prometheus";
                continue;
            }

            var match = LabelValues().Match(variable.Query ?? "");
            Assert.True(match.Success, $"{dashboard.Uid}: ${variable.Name} is not a label_values() query");
            var selector = Dashboards.Substitute(match.Groups["selector"].Value, values);
            var found = await prometheus.LabelValuesAsync(match.Groups["label"].Value, selector);
            if (found.Count == 0 && dashboard.IsGatewayDashboard)
            {
                failures.Add($"{dashboard.Uid}: ${variable.Name} has no values ({variable.Query})");
            }

            // a regex inside a PromQL string: its backslashes (127\.0\.0\.1) are escaped once more, as Grafana does
            values[variable.Name] = found.Count == 0 ? variable.AllValue ?? ".+" : "(" + string.Join('|', found.Select(v => Regex.Escape(v).Replace(@"\", @"\\"))) + ")";
        }

        return values;
    }

    /// <summary>Metric families with at least one sample in a scrape.</summary>
    private static HashSet<string> ExposedFamilies(string text) => text.Split('\n')
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => l.Split(['{', ' '], 2)[0])
        .SelectMany(n => new[] { n, Contract.Family(n) })
        .ToHashSet();

    /// <summary>For each recorded name, the gateway metrics it is computed from (through other recorded names too).</summary>
    private static Dictionary<string, HashSet<string>> UnderlyingGatewayMetrics(IReadOnlyList<Rule> recording)
    {
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var rule in recording)
        {
            var set = result.TryGetValue(rule.Record!, out var s) ? s : result[rule.Record!] = [];
            set.UnionWith(Contract.GatewayMetricsIn(rule.Expr));
            foreach (var r in Contract.RecordedNamesIn(rule.Expr))
            {
                set.UnionWith(result.GetValueOrDefault(r, []));
            }
        }

        return result;
    }

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>[a-z_]+)\)$")]
    private static partial Regex LabelValues();
}
