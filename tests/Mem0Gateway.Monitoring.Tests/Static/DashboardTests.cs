using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Static;

public sealed partial class DashboardTests
{
    /// <summary>The gateway labels each metric carries, which the dashboard's variables filter.</summary>
    private static readonly Dictionary<string, string[]> FilteredLabels = new()
    {
        ["mem0_gateway_requests_total"] = ["service", "route", "operation"],
        ["mem0_gateway_request_duration_seconds"] = ["service", "route", "operation"],
        ["mem0_gateway_stream_time_to_first_byte_seconds"] = ["service", "route", "operation"],
        ["mem0_gateway_stream_duration_seconds"] = ["service", "route", "operation"],
        ["mem0_gateway_responses_broken_total"] = ["service", "route", "operation"],
        ["mem0_gateway_upstream_errors_total"] = ["service", "route"],
        ["mem0_gateway_requests_in_flight"] = ["service"],
        ["mem0_gateway_upstream_up"] = ["service"],
        ["mem0_gateway_health_checks_total"] = ["service"],
        ["mem0_gateway_health_check_duration_seconds"] = ["service"],
        ["mem0_gateway_active_users"] = ["service"],
        ["mem0_gateway_active_users_cluster"] = ["service"],
    };

    private static readonly HashSet<string> AllowedPanelTypes = ["timeseries", "heatmap", "stat", "table"];

    [Fact]
    public void The_four_dashboards_exist_with_unique_fixed_uids()
    {
        var dashboards = Dashboards.All;
        var uids = dashboards.Select(d => d.Uid).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.Subset(uids.ToHashSet(), new HashSet<string> { "mem0-gw-overview", "mem0-gw-operations", "mem0-gw-internals", "mem0-infra", "mem0-gw-auth" });
        foreach (var d in dashboards)
        {
            Assert.Matches("^[a-z0-9-]{1,40}$", d.Uid);
            Assert.Null(d.Json["id"]?.GetValue<int?>());
            Assert.False(d.Json["editable"]?.GetValue<bool>() ?? true, $"{d.Uid}: provisioned dashboards are not editable");
            Assert.True(d.Json["schemaVersion"]?.GetValue<int>() >= 36, $"{d.Uid}: pin a schemaVersion");
            Assert.False(string.IsNullOrWhiteSpace(d.Json["title"]?.GetValue<string>()));
        }
    }

    [Fact]
    public void Panels_are_timeseries_heatmap_stat_or_table_with_a_unit_description_and_datasource_variable()
    {
        foreach (var d in Dashboards.All)
        {
            var panels = d.Panels.ToList();
            Assert.NotEmpty(panels);
            var ids = panels.Select(p => p["id"]!.GetValue<int>()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            foreach (var p in panels)
            {
                var where = $"{d.Uid} / {p["title"]}";
                var type = p["type"]!.GetValue<string>();
                Assert.NotEqual("graph", type);
                Assert.True(AllowedPanelTypes.Contains(type), $"{where}: panel type {type}");
                var unit = type == "heatmap"
                    ? p["options"]?["yAxis"]?["unit"]?.GetValue<string>()
                    : p["fieldConfig"]?["defaults"]?["unit"]?.GetValue<string>();
                Assert.False(string.IsNullOrWhiteSpace(unit), $"{where}: no unit");
                Assert.False(string.IsNullOrWhiteSpace(p["description"]?.GetValue<string>()), $"{where}: no description");
                Assert.Equal("${datasource}", p["datasource"]?["uid"]?.GetValue<string>());
                var targets = p["targets"]?.AsArray() ?? [];
                Assert.True(targets.Count > 0, $"{where}: no queries");
                Assert.All(targets.OfType<JsonObject>(), t =>
                {
                    Assert.False(string.IsNullOrWhiteSpace(t["expr"]?.GetValue<string>()), $"{where}: empty expr");
                    Assert.Equal("${datasource}", t["datasource"]?["uid"]?.GetValue<string>());
                });
                if (type == "heatmap")
                {
                    Assert.All(targets.OfType<JsonObject>(), t => Assert.Equal("heatmap", t["format"]?.GetValue<string>()));
                    Assert.False(p["options"]?["calculate"]?.GetValue<bool>() ?? true, $"{where}: buckets come from Prometheus, not calculated");
                }
            }
        }
    }

    [Fact]
    public void Gateway_dashboards_have_service_route_and_operation_variables()
    {
        foreach (var d in Dashboards.All)
        {
            var vars = d.Variables.ToDictionary(v => v.Name);
            Assert.True(vars.TryGetValue("datasource", out var ds) && ds.Type == "datasource" && ds.Query == "prometheus", $"{d.Uid}: datasource variable");
            if (!d.IsGatewayDashboard)
            {
                continue;
            }

            foreach (var name in new[] { "service", "route", "operation" })
            {
                Assert.True(vars.TryGetValue(name, out var v), $"{d.Uid}: no ${name} variable");
                Assert.Equal("query", v!.Type);
                Assert.StartsWith("label_values(mem0_gateway_requests_total", v.Query);
                Assert.Equal(".+", v.AllValue);
            }

            // the variables are used, not just declared
            var exprs = string.Join('\n', d.Targets.Select(t => t.Expr));
            Assert.Contains("$service", exprs);
            if (d.Uid != "mem0-gw-internals")
            {
                Assert.Contains("$route", exprs);
                Assert.Contains("$operation", exprs);
            }
        }
    }

    [Fact]
    public void Every_gateway_query_applies_the_instance_and_label_filters()
    {
        foreach (var d in Dashboards.All.Where(d => d.IsGatewayDashboard))
        {
            var instance = d.Variables.SingleOrDefault(v => v.Name == "instance");
            Assert.True(instance is { Type: "query", AllValue: ".+" }, $"{d.Uid}: no $instance variable");
            Assert.Matches(@"^label_values\((up\{job=""gateway""\}|mem0_gateway_[a-z_]+), instance\)$", instance!.Query);
            foreach (var t in d.Targets)
            {
                var where = $"{d.Uid} / {t.Panel}: {t.Expr}";
                foreach (Match m in Selector().Matches(t.Expr))
                {
                    var metric = Contract.Family(m.Groups["metric"].Value);
                    var matchers = m.Groups["matchers"].Success ? m.Groups["matchers"].Value : null;
                    if (metric.EndsWith("_cluster", StringComparison.Ordinal) && matchers is null)
                    {
                        continue; // `unless on (...) x_cluster`: a presence test, the same on every replica
                    }

                    Assert.True(matchers is not null, $"{where}: {metric} without filters");
                    if (!metric.EndsWith("_cluster", StringComparison.Ordinal))
                    {
                        Assert.True(matchers!.Contains("instance=~\"$instance\""), $"{where}: {metric} ignores $instance");
                    }

                    // operations pinned by the query (operation="login", operation=~"page|static") pick their routes themselves
                    var pinned = matchers!.Contains("operation=\"") || (matchers.Contains("operation=~\"") && !matchers.Contains("operation=~\"$operation\""));
                    foreach (var label in FilteredLabels.GetValueOrDefault(metric, []).Where(l => !(pinned && l == "route")))
                    {
                        Assert.True(matchers!.Contains($"{label}=~\"${label}\"") || matchers.Contains($"{label}=\"") || (label == "operation" && pinned), $"{where}: {metric} ignores ${label}");
                    }
                }

                foreach (Match m in JobGatewaySelector().Matches(t.Expr))
                {
                    Assert.True(m.Value.Contains("instance=~\"$instance\""), $"{where}: {m.Value} ignores $instance");
                }
            }
        }
    }

    [Fact]
    public void Time_series_use_rate_interval_and_only_tables_and_stats_use_the_dashboard_range()
    {
        foreach (var d in Dashboards.All)
        {
            foreach (var t in d.Targets)
            {
                foreach (Match m in RangeSelector().Matches(t.Expr))
                {
                    var range = m.Groups[1].Value;
                    var allowed = range == "$__rate_interval" || (range == "$__range" && t.PanelType is "table" or "stat");
                    Assert.True(allowed, $"{d.Uid} / {t.Panel}: [{range}] in a {t.PanelType} panel: {t.Expr}");
                }
            }
        }
    }

    [Fact]
    public void Operations_show_the_MCP_outcome_ratio_and_active_users_per_instance_unless_cluster_wide()
    {
        var ops = Dashboards.All.Single(d => d.Uid == "mem0-gw-operations");
        var outcomes = Assert.Single(ops.Targets, t => t.Panel == "MCP tool call outcomes (ratio)");
        Assert.Contains("sum by (tool, outcome) (rate(mem0_gateway_mcp_tool_call_outcomes_total", outcomes.Expr);
        Assert.Contains("/ ignoring (outcome) group_left sum by (tool)", outcomes.Expr);

        // replicas' own estimates are never added up: the cluster-wide one (same on every replica: max) or one line per instance
        var users = Assert.Single(ops.Targets, t => t.Expr.Contains("mem0_gateway_active_users{"));
        Assert.StartsWith("max by (service, window) (mem0_gateway_active_users_cluster{", users.Expr);
        Assert.Contains("unless on (service, window) mem0_gateway_active_users_cluster", users.Expr);
        Assert.Contains("{{instance}}", ops.Panels.Single(p => p["title"]!.GetValue<string>() == users.Panel)["targets"]![0]!["legendFormat"]!.GetValue<string>());
        foreach (var d in Dashboards.All)
        {
            Assert.DoesNotContain(d.Targets, t => Regex.IsMatch(t.Expr, @"sum[^(]*\(mem0_gateway_active_users\{"));
        }
    }

    [Fact]
    public void Overview_operations_internals_and_infra_show_their_key_signals()
    {
        var all = Dashboards.All.ToDictionary(d => d.Uid);
        var overview = string.Join('\n', all["mem0-gw-overview"].Targets.Select(t => t.Expr));
        Assert.Contains("mem0_gateway_requests_in_flight", overview);
        Assert.Contains("mem0_gateway_upstream_up", overview);
        Assert.Contains("quantile", overview);
        Assert.Contains("ratio_rate1h", overview);
        var ops = all["mem0-gw-operations"];
        var heatmaps = ops.Targets.Where(t => t.PanelType == "heatmap").Select(t => t.Expr).ToList();
        Assert.Contains(heatmaps, e => e.Contains("operation=\"add\""));
        Assert.Contains(heatmaps, e => e.Contains("operation=\"search\""));
        Assert.Contains(ops.Targets, t => t.Expr.Contains("mem0_gateway_mcp_tool_calls_total"));
        var internals = string.Join('\n', all["mem0-gw-internals"].Targets.Select(t => t.Expr));
        Assert.Contains("process_cpu_seconds_total", internals);
        Assert.Contains("dotnet_collection_count_total", internals);
        Assert.Contains("scrape_samples_scraped", internals);
        Assert.Contains("system_runtime_dotnet_thread_pool_queue_length", internals);
        var infra = string.Join('\n', all["mem0-infra"].Targets.Select(t => t.Expr));
        Assert.Contains("node_", infra);
        Assert.Contains("container_", infra);
        Assert.Contains("pg_", infra);
    }

    [Fact]
    public async Task Every_panel_query_is_valid_PromQL_for_Prometheus_2_42()
    {
        // promtool has no "check expression"; a recording rule per query makes `promtool check rules` parse each one.
        var lines = new List<string> { "groups:", "  - name: dashboard-queries", "    rules:" };
        var n = 0;
        foreach (var d in Dashboards.All)
        {
            var values = d.Variables.ToDictionary(v => v.Name, _ => ".+");
            foreach (var t in d.Targets)
            {
                var expr = Dashboards.Substitute(t.Expr, values);
                lines.Add($"      - record: dashboard:query_{n++}:check");
                lines.Add("        expr: " + System.Text.Json.JsonSerializer.Serialize(expr));
            }
        }

        var file = Path.Combine(Directory.CreateTempSubdirectory("mem0gw-dash-").FullName, "queries.yml");
        await File.WriteAllLinesAsync(file, lines);
        var result = await Tools.RunAsync("promtool", ["check", "rules", file]);
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains($"{n} rules found", result.Output);
    }

    [Fact]
    public void Grafana_provisioning_links_exemplars_to_jaeger_and_loads_the_dashboards()
    {
        var datasources = Yaml.LoadFile(RepoPaths.Monitoring("grafana", "provisioning", "datasources", "datasources.yml")).List("datasources")
            .Select(d => d.Map()).ToList();
        var byType = datasources.ToDictionary(d => d.Str("type")!);
        Assert.Subset(byType.Keys.ToHashSet(), new HashSet<string> { "prometheus", "jaeger", "elasticsearch" });
        var uids = datasources.Select(d => d.Str("uid")).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.All(uids, u => Assert.False(string.IsNullOrEmpty(u)));

        var exemplar = byType["prometheus"].Map("jsonData").List("exemplarTraceIdDestinations").Select(e => e.Map()).Single();
        Assert.Equal("trace_id", exemplar.Str("name"));
        Assert.Equal(byType["jaeger"].Str("uid"), exemplar.Str("datasourceUid"));
        Assert.Equal("http://prometheus:9090", byType["prometheus"].Str("url"));

        var provider = Yaml.LoadFile(RepoPaths.Monitoring("grafana", "provisioning", "dashboards", "dashboards.yml")).List("providers").Single().Map();
        Assert.Equal("file", provider.Str("type"));
        Assert.Equal("/etc/grafana/dashboards", provider.Map("options").Str("path"));
    }

    [GeneratedRegex(@"(?<![:a-z0-9_])(?<metric>mem0_gateway_[a-z0-9_]+)(?![:a-z0-9_])(?:\{(?<matchers>[^}]*)\})?")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\{[^}]*job=""gateway""[^}]*\}")]
    private static partial Regex JobGatewaySelector();

    [GeneratedRegex(@"\[([^\]]+)\]")]
    private static partial Regex RangeSelector();
}
