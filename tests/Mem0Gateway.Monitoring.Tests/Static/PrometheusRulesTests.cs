using System.Text.RegularExpressions;
using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>monitoring/prometheus.yml and the rule files, checked by the real promtool (Prometheus 2.42 from Debian).</summary>
public sealed class PrometheusRulesTests
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
        Assert.Contains("3 rule files found", after.Output);
    }

    [Fact]
    public async Task Rule_files_pass_promtool_check_rules_with_lint()
    {
        var result = await Tools.RunAsync("promtool", ["check", "rules", "--lint=all", "--lint-fatal", .. RepoPaths.AlertRuleFiles]);
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
    [InlineData("> 0.05\n", "> 0.07\n", "HighErrorRate")]
    [InlineData("mem0_gateway_upstream_up == 0\n        for: 1m", "mem0_gateway_upstream_up == 0\n        for: 3m", "UpstreamDown")]
    [InlineData("rate1h * 3600 >= 100", "rate1h * 3600 >= 0", "SLOAvailabilityBudgetBurn")]
    [InlineData("{quantile=\"0.95\",operation!=\"add\"} > 2", "{quantile=\"0.95\"} > 2", "SlowRequests")]
    public async Task Promtool_unit_tests_catch_a_broken_alert(string original, string broken, string alert)
    {
        // The unit tests are only worth something if they fail when a threshold, a `for` or a guard changes.
        var dir = Directory.CreateTempSubdirectory("mem0gw-mutant-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "rules"));
        Directory.CreateDirectory(Path.Combine(dir, "tests"));
        File.Copy(RepoPaths.Monitoring("rules", "recording.yml"), Path.Combine(dir, "rules", "recording.yml"));
        File.Copy(RepoPaths.Monitoring("rules", "replicas.yml"), Path.Combine(dir, "rules", "replicas.yml"));
        var alerts = File.ReadAllText(RepoPaths.Monitoring("rules", "alerts.yml"));
        Assert.Contains(original, alerts);
        File.WriteAllText(Path.Combine(dir, "rules", "alerts.yml"), alerts.Replace(original, broken));
        var tests = RepoPaths.PromtoolTestFiles.Select(f => { var t = Path.Combine(dir, "tests", Path.GetFileName(f)); File.Copy(f, t); return t; }).ToList();

        var result = await Tools.RunAsync("promtool", ["test", "rules", .. tests], Path.Combine(dir, "tests"), TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"alertname: {alert}", result.Output);
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

        Assert.Equal(["rules/recording.yml", "rules/alerts.yml", "rules/replicas.yml"], config.List("rule_files").Cast<string>());
        Assert.Contains("alertmanager:9093", config.Map("alerting").List("alertmanagers").SelectMany(a => a.Map().List("static_configs"))
            .SelectMany(s => s.Map().List("targets")).Cast<string>());
    }

    [Fact]
    public void Every_alert_has_a_severity_summary_description_and_a_runbook_section()
    {
        var runbook = File.ReadAllText(RepoPaths.Monitoring("RUNBOOK.md"));
        var anchors = Regex.Matches(runbook, @"^## (.+)$", RegexOptions.Multiline)
            .Select(m => Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), @"[^a-z0-9 -]", "").Replace(' ', '-')).ToHashSet();
        var alerts = Rules.Alerts;
        Assert.NotEmpty(alerts);
        foreach (var alert in alerts)
        {
            Assert.Contains(alert.Labels.Str("severity"), new[] { "critical", "warning", "info" });
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.Str("summary")), $"{alert.Alert}: summary");
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.Str("description")), $"{alert.Alert}: description");
            var url = alert.Annotations.Str("runbook_url");
            Assert.NotNull(url);
            Assert.StartsWith("monitoring/RUNBOOK.md#", url);
            var anchor = url["monitoring/RUNBOOK.md#".Length..];
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

        // add has its own latency threshold; the generic one excludes it
        var slow = Rules.Alerts.Where(a => a.Alert == "SlowRequests").ToList();
        Assert.Contains(slow, r => r.Expr.Contains("operation!=\"add\"") && r.Expr.Contains("> 2\n"));
        Assert.Contains(slow, r => r.Expr.Contains("operation=\"add\"") && r.Expr.Contains("> 30\n"));
    }

    [Fact]
    public void Every_alert_is_unit_tested_both_firing_and_silent()
    {
        var fired = new HashSet<string>();
        var silent = new HashSet<string>();
        foreach (var file in RepoPaths.PromtoolTestFiles)
        {
            foreach (var test in Yaml.LoadFile(file).List("tests").Select(t => t.Map()))
            {
                foreach (var check in test.List("alert_rule_test").Select(c => c.Map()))
                {
                    (check.List("exp_alerts").Count > 0 ? fired : silent).Add(check.Str("alertname")!);
                }
            }
        }

        foreach (var alert in Rules.Alerts.Select(a => a.Alert!).Distinct())
        {
            Assert.True(fired.Contains(alert), $"no promtool test expects {alert} to fire");
            Assert.True(silent.Contains(alert), $"no promtool test expects {alert} to stay silent");
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
        var defined = Rules.Recording.Concat(Rules.Replicas).Where(r => r.Record is not null).Select(r => r.Record!).ToHashSet();
        var texts = Rules.Recording.Concat(Rules.Alerts).Concat(Rules.Replicas).Select(r => (Where: r.Record ?? r.Alert!, Expr: r.Expr))
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
}
