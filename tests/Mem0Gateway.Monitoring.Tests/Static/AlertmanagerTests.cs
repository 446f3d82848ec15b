using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>monitoring/alertmanager.yml, checked by the real amtool (Alertmanager 0.25 from Debian).</summary>
public sealed class AlertmanagerTests
{
    private static readonly string ConfigPath = RepoPaths.Monitoring("alertmanager.yml");

    /// <summary>Keys that would hold a secret inline; Alertmanager 0.25 has a *_file twin for each we use.</summary>
    private static readonly HashSet<string> InlineSecretKeys =
        ["api_url", "slack_api_url", "auth_password", "smtp_auth_password", "credentials", "password", "routing_key", "service_key", "api_key", "auth_secret"];

    public static IEnumerable<string> SecretFiles(object? node) => node switch
    {
        Dictionary<string, object?> map => map.SelectMany(kv => kv.Key.EndsWith("_file", StringComparison.Ordinal) && kv.Value is string s
            ? [s] : SecretFiles(kv.Value)),
        List<object?> list => list.SelectMany(SecretFiles),
        _ => [],
    };

    private static IEnumerable<string> InlineSecrets(object? node, string path = "") => node switch
    {
        Dictionary<string, object?> map => map.SelectMany(kv => InlineSecretKeys.Contains(kv.Key) && kv.Value is string { Length: > 0 }
            ? [$"{path}.{kv.Key}"] : InlineSecrets(kv.Value, $"{path}.{kv.Key}")),
        List<object?> list => list.SelectMany((v, i) => InlineSecrets(v, $"{path}[{i}]")),
        _ => [],
    };

    [Fact]
    public async Task Config_passes_amtool_check_config()
    {
        var result = await Tools.RunAsync("amtool", ["check-config", ConfigPath]);
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("SUCCESS", result.Output);
    }

    [Theory]
    [InlineData("severity=critical alertname=UpstreamDown service=mem0", "oncall-critical")]
    [InlineData("severity=critical alertname=SLOAvailabilityBudgetBurn service=openmemory", "oncall-critical")]
    [InlineData("severity=warning alertname=HighErrorRate service=mem0", "team-warning")]
    [InlineData("severity=info alertname=Something", "blackhole")]
    [InlineData("alertname=NoSeverity", "team-warning")]
    [InlineData("severity=none alertname=Watchdog", "watchdog")]
    [InlineData("severity=warning alertname=UpstreamFlapping service=mem0 destination=mem0-1", "team-warning")]
    [InlineData("severity=warning alertname=ServiceDown job=jaeger", "team-warning")]
    [InlineData("severity=critical alertname=ServiceDown job=gateway", "oncall-critical")]
    [InlineData("severity=critical alertname=PostgresDown job=postgres-exporter", "oncall-critical")]
    [InlineData("severity=critical alertname=PrometheusRuleEvaluationFailures job=prometheus", "oncall-critical")]
    [InlineData("severity=warning alertname=McpToolErrors service=openmemory tool=add_memories", "team-warning")]
    public async Task Alerts_are_routed_by_severity(string labels, string receiver)
    {
        var result = await Tools.RunAsync("amtool", ["config", "routes", "test", "--config.file=" + ConfigPath, "--verify.receivers=" + receiver, .. labels.Split(' ')]);
        Assert.True(result.ExitCode == 0, $"{labels} should reach {receiver}: " + result.Describe());
    }

    [Fact]
    public async Task Every_alert_of_every_rule_file_reaches_the_receiver_of_its_severity()
    {
        var expected = new Dictionary<string, string>
        {
            ["critical"] = "oncall-critical", ["warning"] = "team-warning", ["info"] = "blackhole", ["none"] = "watchdog",
        };
        foreach (var (alert, severity) in Rules.Alerts.Select(a => (a.Alert!, a.Labels.Str("severity")!)).Distinct())
        {
            var result = await Tools.RunAsync("amtool", ["config", "routes", "test", "--config.file=" + ConfigPath,
                "--verify.receivers=" + expected[severity], "alertname=" + alert, "severity=" + severity, "service=mem0"]);
            Assert.True(result.ExitCode == 0, $"{alert} ({severity}) should reach {expected[severity]}: " + result.Describe());
        }
    }

    [Fact]
    public void Critical_inhibits_warning_of_the_same_alert_and_instance_and_alerts_are_grouped()
    {
        var config = Yaml.LoadFile(ConfigPath);
        var groupBy = config.Map("route").List("group_by").Cast<string>().ToList();
        Assert.Contains("alertname", groupBy);

        var rule = config.List("inhibit_rules").Select(r => r.Map())
            .Single(r => r.List("source_matchers").Contains("severity=\"critical\"") && r.List("target_matchers").Contains("severity=\"warning\""));
        var equal = rule.List("equal").Cast<string>().ToList();
        Assert.Contains("alertname", equal);
        Assert.Contains("instance", equal);

        var critical = config.Map("route").List("routes").Select(r => r.Map()).Single(r => r.List("matchers").Contains("severity=\"critical\""));
        Assert.Equal("oncall-critical", critical.Str("receiver"));
        Assert.NotEqual(config.Map("route").Str("receiver"), critical.Str("receiver"));
    }

    [Fact]
    public void Email_slack_and_webhook_receivers_take_their_secrets_from_files_only()
    {
        var config = Yaml.LoadFile(ConfigPath);
        Assert.Empty(InlineSecrets(config));

        var receivers = config.List("receivers").Select(r => r.Map()).ToList();
        Assert.Contains(receivers, r => r.List("email_configs").Count > 0);
        Assert.Contains(receivers, r => r.List("slack_configs").Count > 0);
        var webhook = receivers.SelectMany(r => r.List("webhook_configs")).Select(w => w.Map()).First();
        Assert.NotNull(webhook.Map("http_config").Map("authorization").Str("credentials_file"));

        Assert.NotNull(config.Map("global").Str("slack_api_url_file"));
        Assert.NotNull(config.Map("global").Str("smtp_auth_password_file"));
        foreach (var file in SecretFiles(config))
        {
            var name = Path.GetFileName(file);
            Assert.True(File.Exists(RepoPaths.Monitoring("secrets", name + ".example")), $"{file}: no monitoring/secrets/{name}.example for setup to copy");
        }
    }
}
