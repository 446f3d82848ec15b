using System.Text.Json.Nodes;
using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;
using Xunit.Abstractions;

namespace Mem0Gateway.Monitoring.Tests.Live;

/// <summary>
/// The alert path end to end: gateway -> real Prometheus (shipped rules, `for` shortened) -> real Alertmanager (shipped
/// routing and inhibition, every receiver delivering to the test's webhook, path = receiver name) -> webhook.
/// </summary>
public sealed class AlertPathTests(ITestOutputHelper output)
{
    private static string RunbookBase => Yaml.LoadFile(RepoPaths.Monitoring("prometheus.yml")).Map("global").Map("external_labels").Str("runbook_base_url")!;

    private sealed class Stack : IAsyncDisposable
    {
        public required string TokenFile { get; init; }
        public required FakeMem0Upstream Mem0 { get; init; }
        public required FakeMem0Upstream OpenMemory { get; init; }
        public required GatewayInstance Gateway { get; init; }
        public required WebhookReceiver Webhook { get; init; }
        public required AlertmanagerServer Alertmanager { get; init; }
        public required PrometheusServer Prometheus { get; init; }

        public static async Task<Stack> StartAsync(Action<GatewayInstanceOptions>? configure = null)
        {
            var mem0 = await FakeMem0Upstream.StartAsync();
            var openmemory = await FakeMem0Upstream.StartAsync();
            var dir = Directory.CreateTempSubdirectory("mem0gw-alerts-").FullName;
            var tokenFile = LiveConfigs.TokenFile(dir);
            var options = new GatewayInstanceOptions();
            options.Settings["Gateway:Management:BearerTokenFile"] = tokenFile;
            options.Settings["Logging:LogLevel:Default"] = "Error";
            options.Settings["Logging:LogLevel:Yarp"] = "Critical";
            options.Destinations["mem0"] = [mem0.BaseAddress];
            options.Destinations["openmemory"] = [openmemory.BaseAddress];
            options.DefaultDestination = openmemory.BaseAddress;
            configure?.Invoke(options);
            var gateway = await GatewayInstance.StartAsync(options);
            var webhook = await WebhookReceiver.StartAsync();
            var alertmanager = await AlertmanagerServer.StartAsync(LiveConfigs.Alertmanager(webhook.Port));
            var rules = LiveConfigs.RulesWithShortFor(dir);
            var prometheus = await PrometheusServer.StartAsync(LiveConfigs.Prometheus(tokenFile, gateway.ManagementPort, rules, alertmanager.Port));
            return new Stack { TokenFile = tokenFile, Mem0 = mem0, OpenMemory = openmemory, Gateway = gateway, Webhook = webhook, Alertmanager = alertmanager, Prometheus = prometheus };
        }

        public async Task<JsonObject> WaitForAlertAsync(string receiver, string alertname, string service, Func<Task> keepGoing, TimeSpan timeout)
        {
            JsonObject? alert = null;
            try
            {
                await Poll.UntilAsync(async () =>
                {
                    alert = Webhook.FiringAlerts(receiver).FirstOrDefault(a =>
                        a["labels"]?["alertname"]?.GetValue<string>() == alertname && a["labels"]?["service"]?.GetValue<string>() == service);
                    if (alert is null)
                    {
                        await keepGoing();
                    }

                    return alert is not null;
                }, timeout, $"{alertname} at the {receiver} webhook", interval: TimeSpan.FromMilliseconds(250));
                return alert!;
            }
            catch (TimeoutException)
            {
            }

            var seen = string.Join("\n", Webhook.Notifications.Select(n => $"{n.Path}: {n.Body["groupKey"]}"));
            Assert.Fail($"{alertname}{{service=\"{service}\"}} did not reach the {receiver} webhook within {timeout}.\n" +
                $"Prometheus alerts: {(await Prometheus.AlertsAsync()).ToJsonString()}\nwebhook got:\n{seen}\n" +
                $"Prometheus log:\n{Prometheus.Log}\nAlertmanager log:\n{Alertmanager.Log}");
            return null!;
        }

        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Alertmanager.DisposeAsync();
            await Webhook.DisposeAsync();
            await Gateway.DisposeAsync();
            await Mem0.DisposeAsync();
            await OpenMemory.DisposeAsync();
        }
    }

    [Fact]
    public async Task Failing_requests_fire_HighErrorRate_which_reaches_the_warning_receiver()
    {
        await using var stack = await Stack.StartAsync();
        using var mem0 = stack.Gateway.Client("mem0");
        var round = 0;
        async Task Traffic()
        {
            // half of the searches fail with 500 at mem0
            await Support.Traffic.Mem0RoundAsync(mem0, round, failOne: round++ % 2 == 0);
        }

        for (var i = 0; i < 8; i++)
        {
            await Traffic();
        }

        var alert = await stack.WaitForAlertAsync("team-warning", "HighErrorRate", "mem0", Traffic, TimeSpan.FromSeconds(90));
        Assert.Equal("warning", alert["labels"]!["severity"]!.GetValue<string>());
        // the absolute runbook URL: the base from the shipped external label, the anchor from the alert
        Assert.Equal(RunbookBase + "#higherrorrate", alert["annotations"]!["runbook_url"]!.GetValue<string>());
        Assert.Contains("of requests fail", alert["annotations"]!["summary"]!.GetValue<string>());
        // routed by severity: the warning did not page
        Assert.DoesNotContain(stack.Webhook.FiringAlerts("oncall-critical"), a => a["labels"]?["alertname"]?.GetValue<string>() == "HighErrorRate");
        output.WriteLine(alert.ToJsonString());
        foreach (var (path, body) in stack.Webhook.Notifications)
        {
            output.WriteLine($"{path}: {body["groupKey"]}");
        }
    }

    [Fact]
    public async Task Stopping_an_upstream_fires_UpstreamDown_which_reaches_the_critical_receiver()
    {
        await using var stack = await Stack.StartAsync(o =>
        {
            o.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Active:Interval"] = "00:00:01";
            o.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Active:Timeout"] = "00:00:01";
        });
        // first the upstream is seen healthy (the first probe may take a moment)
        var healthy = "\nmem0_gateway_upstream_up{service=\"mem0\",destination=\"mem0-1\"} 1";
        var metrics = "";
        await Poll.UntilAsync(async () =>
        {
            using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            scrape.Headers.Authorization = new("Bearer", (await File.ReadAllTextAsync(stack.TokenFile)).Trim());
            metrics = await (await stack.Gateway.Management.SendAsync(scrape)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            return metrics.Contains(healthy, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "mem0-1 seen up", () => metrics, TimeSpan.FromMilliseconds(500));

        await stack.Mem0.StopAsync();
        var alert = await stack.WaitForAlertAsync("oncall-critical", "UpstreamDown", "mem0", () => Task.CompletedTask, TimeSpan.FromSeconds(90));
        Assert.Equal("critical", alert["labels"]!["severity"]!.GetValue<string>());
        Assert.Equal(RunbookBase + "#upstreamdown", alert["annotations"]!["runbook_url"]!.GetValue<string>());
        Assert.Equal("Gateway service mem0 has no healthy upstream destination", alert["annotations"]!["summary"]!.GetValue<string>());
        // the healthy upstreams stay quiet
        Assert.DoesNotContain(stack.Webhook.FiringAlerts("oncall-critical"), a => a["labels"]?["service"]?.GetValue<string>() == "openmemory");
    }
}
