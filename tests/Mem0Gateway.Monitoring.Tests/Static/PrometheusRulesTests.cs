using System.Text.RegularExpressions;
using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>monitoring/prometheus.yml and the rule files, checked by the real promtool (Prometheus 2.42 from Debian).</summary>
public sealed partial class PrometheusRulesTests
{
    private static readonly string[] SloWindows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

    [Fact]
    public async Task Config_is_valid_once_setup_has_created_the_token_file_it_reads()
    {
        using var copy = await RepoCopy.CreateAsync();
        var config = copy.Path("monitoring", "prometheus.yml");

        // From a bare clone the bearer token file does not exist yet, and promtool says so: the shipped config
        // depends on setup_monitoring.sh, it does not pass by accident.
        var before = await Tools.RunAsync("promtool", ["check", "config", config], copy.Root);
        Assert.NotEqual(0, before.ExitCode);
        Assert.Contains("gateway_metrics_token", before.Output);

        await copy.InitAsync();
        var after = await Tools.RunAsync("promtool", ["check", "config", "--lint=all", "--lint-fatal", config], copy.Root);
        Assert.True(after.ExitCode == 0, after.Describe());
        Assert.Contains($"{RepoPaths.RuleFiles.Count} rule files found", after.Output);
    }

    [Fact]
    public async Task Rule_files_pass_promtool_check_rules_with_lint()
    {
        var result = await Tools.RunAsync("promtool", ["check", "rules", "--lint=all", "--lint-fatal", .. RepoPaths.RuleFiles]);
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task Promtool_unit_tests_pass()
    {
        Assert.NotEmpty(RepoPaths.PromtoolTestFiles);
        var result = await Tools.RunAsync("promtool", ["test", "rules", .. RepoPaths.PromtoolTestFiles], RepoPaths.Monitoring("tests"), TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.DoesNotContain("FAILED", result.Output);
    }

    [Theory]
    [InlineData("alerts.yml", "> 0.05\n", "> 0.03\n", "gateway_alerts_test.yml", "alertname: HighErrorRate")]
    [InlineData("alerts.yml", "(mem0_gateway_upstream_up) == 0\n        for: 5m", "(mem0_gateway_upstream_up) == 0\n        for: 12m", "gateway_alerts_test.yml", "alertname: UpstreamDown")]
    [InlineData("alerts.yml", "avg_over_time(mem0_gateway_upstream_up[15m]) < 0.9\n            or (avg_over_time(mem0_gateway_upstream_up[15m]) and changes(mem0_gateway_upstream_up[15m]) >= 4)",
        "mem0_gateway_upstream_up == 0", "gateway_alerts_test.yml", "alertname: UpstreamFlapping")]
    [InlineData("alerts.yml", "rate1h * 3600 >= 100", "rate1h * 3600 >= 0", "slo_alerts_test.yml", "alertname: SLOAvailabilityBudgetBurn")]
    [InlineData("alerts.yml", "|search\"} > 2.5", "|search\"} > 2", "gateway_alerts_test.yml", "alertname: SlowRequests")]
    [InlineData("alerts.yml", "* 300 >= 10\n        for: 10m", "* 300 >= 1\n        for: 10m", "gateway_alerts_test.yml", "alertname: McpToolErrors")]
    [InlineData("alerts.yml", "offset 6h)", "offset 1h)", "gateway_alerts_test.yml", "alertname: GatewayMemoryGrowth")]
    [InlineData("recording.yml", "le=~\"30(\\\\.0)?\"", "le=\"30\"", "gateway_alerts_test.yml", "service:mem0_gateway_requests_slow_per_requests:ratio_rate5m")]
    [InlineData("recording.yml", "rate(mem0_gateway_responses_broken_total[", "rate(mem0_gateway_responses_broken_total{error=\"none\"}[", "gateway_alerts_test.yml", "alertname: HighErrorRate")]
    [InlineData("recording.yml", "{operation!~\"mcp_stream|mcp_message|mcp_http\"}[", "{operation!~\"mcp_stream\"}[", "gateway_alerts_test.yml", "service:mem0_gateway_requests_slow_per_requests:ratio_rate5m")]
    public async Task Promtool_unit_tests_catch_a_broken_rule(string file, string original, string broken, string testFile, string failure)
    {
        // The unit tests are only worth something if they fail when a threshold, a `for`, a guard or a matcher changes.
        var dir = Directory.CreateTempSubdirectory("mem0gw-mutant-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "rules"));
        Directory.CreateDirectory(Path.Combine(dir, "tests"));
        foreach (var rules in RepoPaths.RuleFiles)
        {
            var text = File.ReadAllText(rules);
            if (Path.GetFileName(rules) == file)
            {
                Assert.Contains(original, text);
                text = text.Replace(original, broken);
            }

            File.WriteAllText(Path.Combine(dir, "rules", Path.GetFileName(rules)), text);
        }

        var test = Path.Combine(dir, "tests", testFile);
        File.Copy(RepoPaths.Monitoring("tests", testFile), test);

        var result = await Tools.RunAsync("promtool", ["test", "rules", test], Path.Combine(dir, "tests"), TimeSpan.FromSeconds(180));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(failure, result.Output);
    }

    [Fact]
    public void Promtool_inputs_are_written_as_the_OpenMetrics_scrape_stores_them()
    {
        // Prometheus scrapes the gateway with OpenMetrics: prometheus-net writes whole-number bounds as le="30.0".
        // An input written le="30" is a shape the gateway never produces, and hides matchers that miss the real one.
        foreach (var file in RepoPaths.PromtoolTestFiles)
        {
            var series = Yaml.LoadFile(file).List("tests").SelectMany(t => t.Map().List("input_series")).Select(s => s.Map().Str("series")!);
            foreach (var le in series.Select(s => LeLabel().Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value))
            {
                Assert.True(le == "+Inf" || (le.Contains('.') && double.TryParse(le, System.Globalization.CultureInfo.InvariantCulture, out _)),
                    $"{Path.GetFileName(file)}: input bucket le=\"{le}\" is not the OpenMetrics form (le=\"30.0\", le=\"+Inf\")");
            }
        }
    }

    [Fact]
    public void Every_promtool_test_file_loads_every_rule_file()
    {
        foreach (var file in RepoPaths.PromtoolTestFiles)
        {
            Assert.Equal(["../rules/*.yml"], Yaml.LoadFile(file).List("rule_files").Cast<string>());
        }
    }

    [Fact]
    public void Prometheus_config_scrapes_the_gateway_with_a_token_file_and_cardinality_limits()
    {
        var config = Yaml.LoadFile(RepoPaths.Monitoring("prometheus.yml"));
        var jobs = config.List("scrape_configs").Select(j => j.Map()).ToDictionary(j => j.Str("job_name")!);
        Assert.Superset(new HashSet<string> { "gateway", "postgres-exporter", "node-exporter", "cadvisor", "alertmanager", "prometheus" }, jobs.Keys.ToHashSet());

        var gateway = jobs["gateway"];
        Assert.Equal(["gateway:19464"], gateway.List("static_configs").SelectMany(s => s.Map().List("targets")).Cast<string>());
        Assert.NotNull(gateway.Map("authorization").Str("credentials_file"));
        Assert.Null(gateway.Map("authorization").Str("credentials"));
        foreach (var limit in new[] { "sample_limit", "label_limit", "label_value_length_limit" })
        {
            Assert.True(int.TryParse(gateway.Str(limit), out var value) && value > 0, $"gateway job needs a positive {limit}");
        }

        // a target label named like one of the gateway's own labels would rename them to exported_*
        var targetLabels = gateway.List("static_configs").SelectMany(s => s.Map().Map("labels").Keys);
        Assert.Empty(targetLabels.Intersect(["service", "route", "operation", "method", "status_code", "destination"]));

        Assert.Equal(["rules/*.yml"], config.List("rule_files").Cast<string>());
        Assert.Contains("alertmanager:9093", config.Map("alerting").List("alertmanagers").SelectMany(a => a.Map().List("static_configs"))
            .SelectMany(s => s.Map().List("targets")).Cast<string>());
    }

    [Fact]
    public void Every_alert_has_a_severity_summary_description_and_an_absolute_runbook_url_with_one_base()
    {
        // The base is set once, as an external label in prometheus.yml; alerts add "#<alertname>".
        var config = Yaml.LoadFile(RepoPaths.Monitoring("prometheus.yml"));
        var baseUrl = config.Map("global").Map("external_labels").Str("runbook_base_url");
        Assert.True(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme == "https", $"runbook_base_url '{baseUrl}' is not an absolute https URL");
        Assert.EndsWith("/RUNBOOK.md", baseUrl);

        var runbook = File.ReadAllText(RepoPaths.Monitoring("RUNBOOK.md"));
        var anchors = Regex.Matches(runbook, @"^## (.+)$", RegexOptions.Multiline)
            .Select(m => Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), @"[^a-z0-9 -]", "").Replace(' ', '-')).ToHashSet();
        var alerts = Rules.Alerts;
        Assert.NotEmpty(alerts);
        const string prefix = "{{ $externalLabels.runbook_base_url }}#";
        foreach (var alert in alerts)
        {
            var severity = alert.Labels.Str("severity");
            Assert.True(severity is "critical" or "warning" or "info" || (severity == "none" && alert.Alert == "Watchdog"), $"{alert.Alert}: severity {severity}");
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.Str("summary")), $"{alert.Alert}: summary");
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.Str("description")), $"{alert.Alert}: description");
            var url = alert.Annotations.Str("runbook_url");
            Assert.NotNull(url);
            Assert.StartsWith(prefix, url);
            var anchor = url[prefix.Length..];
            Assert.True(anchors.Contains(anchor), $"{alert.Alert}: RUNBOOK.md has no section for #{anchor}");
            Assert.Equal(alert.Alert!.ToLowerInvariant(), anchor);
        }
    }

    [Fact]
    public void The_seed_alerts_and_the_SLO_alerts_exist()
    {
        var names = Rules.Alerts.Select(a => a.Alert!).ToHashSet();
        Assert.Subset(names, new HashSet<string>
        {
            "ServiceDown", "HighErrorRate", "SlowRequests", "DatabaseConnections", "DiskSpace", "MemoryUsage", "HighCPU",
            "VectorSearchSlow", "UpstreamDown", "SLOAvailabilityBudgetBurn", "SLOLatencyBudgetBurn",
        });

        // four tiers per SLO: two pages, two tickets, each with a minimum-traffic guard
        foreach (var slo in new[] { "SLOAvailabilityBudgetBurn", "SLOLatencyBudgetBurn" })
        {
            var tiers = Rules.Alerts.Where(a => a.Alert == slo).ToList();
            Assert.Equal(["1h/5m", "6h/30m", "1d/2h", "3d/6h"], tiers.Select(t => $"{t.Labels.Str("long")}/{t.Labels.Str("short")}"));
            Assert.Equal(["critical", "critical", "warning", "warning"], tiers.Select(t => t.Labels.Str("severity")));
            Assert.All(tiers, t => Assert.Matches(@">= 100\s*$", t.Expr.Trim()));
        }

        // p95 warnings at the class objectives, each operation judged by exactly one rule
        var slow = Rules.Alerts.Where(a => a.Alert == "SlowRequests").ToList();
        Assert.Equal(2, slow.Count);
        Assert.Contains(slow, r => r.Expr.Contains("operation!~\"" + LatencyClasses.Long + "|" + LatencyClasses.Mcp + "|search\"") && r.Expr.Contains("} > 2.5\n"));
        Assert.Contains(slow, r => r.Expr.Contains("operation=~\"" + LatencyClasses.Long + "\"") && r.Expr.Contains("} > 30\n"));
        Assert.Contains(Rules.Alerts, r => r.Alert == "VectorSearchSlow" && r.Expr.Contains("operation=\"search\"") && r.Expr.Contains("} > 2.5\n"));

        // pages only for the gateway and the database
        var serviceDown = Rules.Alerts.Where(a => a.Alert == "ServiceDown").ToList();
        Assert.Equal("up{job=~\"gateway|postgres-exporter\"} == 0", Assert.Single(serviceDown, a => a.Labels.Str("severity") == "critical").Expr.Trim());
        Assert.Equal("up{job!~\"gateway|postgres-exporter\"} == 0", Assert.Single(serviceDown, a => a.Labels.Str("severity") == "warning").Expr.Trim());
    }

    [Fact]
    public void The_latency_classes_are_one_list_used_alike_in_every_window_and_alert()
    {
        var slowRatios = Rules.Recording.Where(r => r.Record!.StartsWith("service:mem0_gateway_requests_slow_per_requests:ratio_rate", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, slowRatios.Count);
        foreach (var rule in slowRatios)
        {
            var lists = Regex.Matches(rule.Expr, "operation(=~|!~)\"([^\"]*)\"").Select(m => m.Groups[1].Value + m.Groups[2].Value).Distinct().Order().ToList();
            Assert.Equal(new[] { "!~" + LatencyClasses.Long + "|" + LatencyClasses.Mcp, "=~" + LatencyClasses.Long }.Order(), lists);
            Assert.Contains("mem0_gateway_mcp_tool_call_duration_seconds_bucket{le=~\"30(\\\\.0)?\"}", rule.Expr);
        }

        foreach (var rule in Rules.Recording.Where(r => r.Record!.StartsWith("service:mem0_gateway_latency_sli_events:rate", StringComparison.Ordinal)))
        {
            Assert.Contains("operation!~\"" + LatencyClasses.Mcp + "\"", rule.Expr);
        }

        // the classes are documented where the rules are
        var recording = File.ReadAllText(RepoPaths.Monitoring("rules", "recording.yml"));
        Assert.Contains("long  (30 s):  " + LatencyClasses.Long, recording);
    }

    [Fact]
    public void Every_alert_is_unit_tested_firing_and_silent_after_its_for_has_elapsed()
    {
        var fired = new HashSet<string>();
        var silentAt = new Dictionary<string, TimeSpan>();
        foreach (var file in RepoPaths.PromtoolTestFiles)
        {
            foreach (var test in Yaml.LoadFile(file).List("tests").Select(t => t.Map()))
            {
                foreach (var check in test.List("alert_rule_test").Select(c => c.Map()))
                {
                    var name = check.Str("alertname")!;
                    if (check.List("exp_alerts").Count > 0)
                    {
                        fired.Add(name);
                    }
                    else
                    {
                        var at = PromDuration(check.Str("eval_time")!);
                        silentAt[name] = silentAt.TryGetValue(name, out var seen) && seen > at ? seen : at;
                    }
                }
            }
        }

        foreach (var group in Rules.Alerts.GroupBy(a => a.Alert!))
        {
            Assert.True(fired.Contains(group.Key), $"no promtool test expects {group.Key} to fire");
            if (group.Key == "Watchdog")
            {
                continue; // fires always, by design
            }

            // A quiet check before the `for` has elapsed cannot fail: the latest one must come after the longest `for`.
            var longestFor = group.Max(a => a.For is null ? TimeSpan.Zero : PromDuration(a.For));
            Assert.True(silentAt.TryGetValue(group.Key, out var latest), $"no promtool test expects {group.Key} to stay silent");
            Assert.True(latest > longestFor, $"{group.Key}: the latest quiet check is at {latest}, not after its `for` of {longestFor}");
        }
    }

    [Fact]
    public void Recording_rules_follow_level_metric_operations_and_cover_every_SLO_window()
    {
        var recording = Rules.Recording;
        foreach (var rule in recording)
        {
            var parts = rule.Record!.Split(':');
            Assert.True(parts.Length == 3 && parts.All(p => Regex.IsMatch(p, "^[a-z][a-z0-9_]*$")), $"{rule.Record} is not level:metric:operations");
            var by = Regex.Match(rule.Expr, @"(?:sum|min|max) by \(([^)]*)\)");
            if (by.Success && parts[0] != "slo")
            {
                var level = string.Join('_', by.Groups[1].Value.Split(',').Select(l => l.Trim()));
                Assert.True(level == parts[0], $"{rule.Record}: level '{parts[0]}' but aggregated by ({by.Groups[1].Value})");
            }

            Assert.False(rule.Record.Contains("_total:"), $"{rule.Record}: strip _total after rate()");
        }

        var names = recording.Select(r => r.Record!).ToHashSet();
        foreach (var w in SloWindows)
        {
            Assert.Contains($"service:mem0_gateway_requests:rate{w}", names);
            Assert.Contains($"service:mem0_gateway_requests_errors_per_requests:ratio_rate{w}", names);
            Assert.Contains($"service:mem0_gateway_requests_slow_per_requests:ratio_rate{w}", names);
            Assert.Contains($"service:mem0_gateway_latency_sli_events:rate{w}", names);
        }

        Assert.Contains("service_route_operation:mem0_gateway_requests:rate5m", names);
        Assert.Contains("service_route_operation:mem0_gateway_requests_errors_per_requests:ratio_rate5m", names);
        var quantiles = recording.Where(r => r.Record == "service_route_operation:mem0_gateway_request_duration_seconds:histogram_quantile5m")
            .Select(r => r.Labels.Str("quantile")).ToHashSet();
        Assert.Superset(new HashSet<string?> { "0.5", "0.9", "0.99" }, quantiles);
    }

    [Fact]
    public void Rules_and_dashboards_use_only_contract_metrics_and_defined_recorded_names()
    {
        var defined = Rules.Recording.Select(r => r.Record!).ToHashSet();
        var texts = Rules.Recording.Concat(Rules.Alerts).Select(r => (Where: r.Record ?? r.Alert!, Expr: r.Expr))
            .Concat(Dashboards.All.SelectMany(d => d.Targets.Select(t => (Where: $"{d.Uid}/{t.Panel}", t.Expr))));
        foreach (var (where, expr) in texts)
        {
            foreach (var metric in Contract.GatewayMetricsIn(expr))
            {
                Assert.True(Contract.GatewayMetrics.Contains(metric), $"{where}: {metric} is not a gateway metric of the contract");
            }

            foreach (var recorded in Contract.RecordedNamesIn(expr))
            {
                Assert.True(defined.Contains(recorded), $"{where}: {recorded} is not defined in recording.yml");
            }
        }
    }

    private static TimeSpan PromDuration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (Match m in Regex.Matches(text, @"(\d+)(ms|s|m|h|d|w|y)"))
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        }

        return total;
    }

    [GeneratedRegex("le=\"([^\"]*)\"")]
    private static partial Regex LeLabel();
}
