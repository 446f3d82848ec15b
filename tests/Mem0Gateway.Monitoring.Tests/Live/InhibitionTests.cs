using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Monitoring.Tests.Live;

/// <summary>
/// The shipped inhibition rules in a real Alertmanager (Debian 0.25): alerts are posted as Prometheus would send them,
/// and Alertmanager's own API says which ones it mutes and by what.
/// </summary>
public sealed class InhibitionTests
{
    private static JsonObject Alert(string labels)
    {
        var map = new JsonObject();
        foreach (var pair in labels.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (k, v) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            map[k] = v;
        }

        return new JsonObject
        {
            ["labels"] = map,
            ["annotations"] = new JsonObject { ["summary"] = "test" },
            ["startsAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            ["endsAt"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        };
    }

    [Fact]
    public async Task A_critical_SLO_page_mutes_the_lesser_alerts_of_its_service_and_only_those()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(LiveConfigs.Alertmanager(webhook.Port));

        var sent = new Dictionary<string, string>
        {
            // the page, and what it explains
            ["page"] = "alertname=SLOAvailabilityBudgetBurn severity=critical slo=availability long=1h short=5m service=mem0",
            ["ticket tier"] = "alertname=SLOAvailabilityBudgetBurn severity=warning slo=availability long=1d short=2h service=mem0",
            ["other SLO ticket"] = "alertname=SLOLatencyBudgetBurn severity=warning slo=latency long=3d short=6h service=mem0",
            ["error rate"] = "alertname=HighErrorRate severity=warning service=mem0",
            ["slow search"] = "alertname=VectorSearchSlow severity=warning threshold=2.5s service=mem0 route=mem0-search operation=search quantile=0.95",
            // a page is never muted by another page; other services and alerts without a service are not its business
            ["upstream page"] = "alertname=UpstreamDown severity=critical service=mem0 job=gateway instance=gateway:19464",
            ["other service"] = "alertname=HighErrorRate severity=warning service=openmemory-ui",
            ["no service"] = "alertname=DiskSpace severity=critical instance=node-exporter:9100 mountpoint=/",
            ["no service warning"] = "alertname=GatewayMemoryGrowth severity=warning job=gateway instance=gateway:19464",
            // a ticket mutes nothing of another alert
            ["ui ticket"] = "alertname=SLOLatencyBudgetBurn severity=warning slo=latency long=1d short=2h service=openmemory-ui",
            // UpstreamDown mutes the flapping warning and the MCP warning of its service
            ["om upstream page"] = "alertname=UpstreamDown severity=critical service=openmemory job=gateway instance=gateway:19464",
            ["om flapping"] = "alertname=UpstreamFlapping severity=warning service=openmemory destination=openmemory-1 job=gateway instance=gateway:19464",
            ["om mcp"] = "alertname=McpToolErrors severity=warning service=openmemory tool=add_memories",
        };
        var muted = new HashSet<string> { "ticket tier", "other SLO ticket", "error rate", "slow search", "om flapping", "om mcp" };

        var body = new JsonArray(sent.Values.Select(l => (JsonNode)Alert(l)).ToArray());
        using (var post = await alertmanager.Http.PostAsync("api/v2/alerts", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            Assert.True(post.IsSuccessStatusCode, $"{post.StatusCode}: {await post.Content.ReadAsStringAsync()}\n{alertmanager.Log}");
        }

        // Alertmanager lists an alert before its inhibitor has caught up with the alert that mutes it: wait until every
        // alert is listed and the mutes have settled, then check every state (an alert muted wrongly never settles).
        Dictionary<string, JsonObject> byName = [];
        bool IsSuppressed(string name) => byName[name]["status"]!["state"]!.GetValue<string>() == "suppressed";
        await Poll.UntilAsync(async () =>
        {
            var listed = JsonNode.Parse(await alertmanager.Http.GetStringAsync("api/v2/alerts"))!.AsArray().OfType<JsonObject>().ToList();
            byName = sent.Where(s => listed.Any(a => Matches(a, s.Value)))
                .ToDictionary(s => s.Key, s => listed.First(a => Matches(a, s.Value)));
            return byName.Count == sent.Count && muted.All(IsSuppressed);
        }, TimeSpan.FromSeconds(10), "Alertmanager lists every sent alert, the muted ones suppressed",
            () => string.Join(", ", byName.Select(kv => $"{kv.Key}: {kv.Value["status"]!["state"]}")) + "\n" + alertmanager.Log,
            TimeSpan.FromMilliseconds(100));

        Assert.Equal(sent.Count, byName.Count);
        var fingerprints = byName.ToDictionary(kv => kv.Value["fingerprint"]!.GetValue<string>(), kv => kv.Key);
        foreach (var (name, alert) in byName)
        {
            var state = alert["status"]!["state"]!.GetValue<string>();
            var by = alert["status"]!["inhibitedBy"]!.AsArray().Select(f => fingerprints.GetValueOrDefault(f!.GetValue<string>(), "?")).ToList();
            if (muted.Contains(name))
            {
                Assert.True(state == "suppressed", $"{name} should be muted, but is {state}");
                var expected = name.StartsWith("om ", StringComparison.Ordinal) ? "om upstream page" : "page";
                Assert.Contains(expected, by);
            }
            else
            {
                Assert.True(state == "active", $"{name} should not be muted, but is {state} by {string.Join(", ", by)}");
            }
        }
    }

    private static bool Matches(JsonObject alert, string labels) => labels.Split(' ').All(pair =>
        alert["labels"]?[pair[..pair.IndexOf('=')]]?.GetValue<string>() == pair[(pair.IndexOf('=') + 1)..])
        && alert["labels"]!.AsObject().Count == labels.Split(' ').Length;
}
