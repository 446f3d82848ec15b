using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.StatusPage;

/// <summary>/status.json tells the same story as /metrics: same counts, error ratios, percentiles and destination states.</summary>
public sealed class StatusJsonTests
{
    [Fact]
    public async Task The_json_endpoint_agrees_with_metrics()
    {
        await using var stand = await GatewayWithUpstreams.StartAsync(options => options.Settings["Gateway:StatusPage:SampleInterval"] = "00:00:00.250");
        using var mem0 = stand.Gateway.Client("mem0");
        using var openMemory = stand.Gateway.Client("openmemory");
        for (var i = 0; i < 7; i++)
        {
            // Spread over several buckets so the percentiles have something to interpolate.
            using var add = new HttpRequestMessage(HttpMethod.Post, "/memories")
            {
                Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "likes tea" } }, user_id = "alice" }),
            };
            add.Headers.Add(FakeMem0Upstream.DelayHeader, (i * 15).ToString(CultureInfo.InvariantCulture));
            (await mem0.SendAsync(add)).Dispose();
        }

        await SendAsync(mem0, HttpMethod.Get, "/memories?user_id=alice", status: 500, times: 2);
        await SendAsync(mem0, HttpMethod.Get, "/memories?user_id=alice", status: null, times: 3);
        await SendAsync(mem0, HttpMethod.Get, "/memories/abc", status: 404, times: 4);
        await SendAsync(openMemory, HttpMethod.Get, "/api/v1/memories/?user_id=alice", status: null, times: 2);

        // Traffic is over: wait for a sample taken after it, then both sides must match exactly.
        var metrics = await stand.Gateway.ScrapeAsync();
        var expectedTotal = metrics.Sum("mem0_gateway_requests_total");
        JsonObject status = null!;
        await Poll.UntilAsync(async () =>
        {
            status = JsonNode.Parse(await stand.Gateway.Management.GetStringAsync("/status.json"))!.AsObject();
            return status["operations"]!.AsArray().Sum(o => (double)o!["requests"]!) == expectedTotal;
        }, TimeSpan.FromSeconds(10), "status.json counts every request /metrics counts");
        Assert.Equal(18, expectedTotal);

        foreach (var operation in status["operations"]!.AsArray().Select(o => o!.AsObject()))
        {
            var service = (string)operation["service"]!;
            var name = (string)operation["operation"]!;
            var requests = metrics.Series("mem0_gateway_requests_total", ("service", service), ("operation", name)).ToList();
            var total = requests.Sum(s => s.Value);
            Assert.Equal(total, (double)operation["requests"]!);

            // The gateway is younger than 15 minutes: that window holds everything /metrics has counted.
            var window = operation["windows"]!["15m"]!;
            Assert.Equal(total, (double)window["requests"]!);
            var clientErrors = requests.Where(s => s.Label("status_code").StartsWith('4')).Sum(s => s.Value);
            // Upstream errors: what the forwarding outcome blames on the upstream, counted by route.
            var routes = requests.Select(s => s.Label("route")).ToHashSet();
            var upstreamErrors = metrics.Series("mem0_gateway_upstream_errors_total", ("service", service))
                .Where(s => routes.Contains(s.Label("route")) && s.Label("blame") is "upstream_transport" or "upstream_application" or "timeout")
                .Sum(s => s.Value);
            AssertRatio(total == 0 ? null : clientErrors / total, window["clientErrorRatio"], $"{service}/{name} client errors");
            AssertRatio(total == 0 ? null : upstreamErrors / total, window["upstreamErrorRatio"], $"{service}/{name} upstream errors");

            var buckets = metrics.Series("mem0_gateway_request_duration_seconds_bucket", ("service", service), ("operation", name))
                .GroupBy(s => ParseBound(s.Label("le")))
                .OrderBy(g => g.Key)
                .Select(g => (Bound: g.Key, Count: g.Sum(s => s.Value)))
                .ToList();
            foreach (var (field, quantile) in new[] { ("p50Ms", 0.5), ("p95Ms", 0.95), ("p99Ms", 0.99) })
            {
                var expected = Quantile(quantile, buckets);
                var actual = (double?)window[field];
                if (expected is null)
                {
                    Assert.Null(actual);
                }
                else
                {
                    Assert.NotNull(actual);
                    Assert.True(Math.Abs(expected.Value * 1000 - actual!.Value) <= 0.01, $"{service}/{name} {field}: /metrics gives {expected * 1000} ms, status.json {actual} ms");
                }
            }
        }

        var mem0Add = status["operations"]!.AsArray().Single(o => (string)o!["service"]! == "mem0" && (string)o["operation"]! == "add")!;
        Assert.Equal(7, (double)mem0Add["requests"]!);
        Assert.NotNull((double?)mem0Add["windows"]!["1m"]!["p95Ms"]);
        var getAll = status["operations"]!.AsArray().Single(o => (string)o!["service"]! == "mem0" && (string)o["operation"]! == "get_all")!["windows"]!["1m"]!;
        Assert.Equal(0.4, (double)getAll["upstreamErrorRatio"]!, 4);

        // Destination states: the same as mem0_gateway_upstream_up.
        foreach (var service in status["services"]!.AsArray().Select(s => s!.AsObject()))
        {
            foreach (var destination in service["destinations"]!.AsArray())
            {
                var gauge = metrics.Sum("mem0_gateway_upstream_up", ("service", (string)service["name"]!), ("destination", (string)destination!["id"]!));
                Assert.Equal(gauge >= 1, (bool)destination["up"]!);
                // The last probe's result as health_checks_total counts it (the UI stand-in serves no /logo.svg, its probe
                // path, and the mem0 dashboard has no stand-in).
                var unhealthyProbes = metrics.Sum("mem0_gateway_health_checks_total", ("service", (string)service["name"]!), ("result", "unhealthy"));
                var healthyProbes = metrics.Sum("mem0_gateway_health_checks_total", ("service", (string)service["name"]!), ("result", "healthy"));
                Assert.True(healthyProbes + unhealthyProbes > 0);
                Assert.Equal(unhealthyProbes > 0 ? "unhealthy" : "healthy", (string?)destination["lastProbe"]?["result"]);
                if ((string)service["name"]! is "mem0" or "openmemory-ui")
                {
                    Assert.Equal((string)service["name"]! == "mem0" ? "healthy" : "unhealthy", (string?)destination["lastProbe"]?["result"]);
                }
            }
        }

        Assert.Equal(metrics.Sum("mem0_gateway_requests_in_flight"), (double)status["process"]!["requestsInFlight"]!);
        Assert.Equal(
            metrics.Series("mem0_gateway_active_users").Select(s => $"{s.Label("service")}/{s.Label("window")}").Order(),
            status["users"]!.AsArray().Where(u => (string)u!["scope"]! == "replica").Select(u => $"{(string)u!["service"]!}/{(string)u["window"]!}").Order());
    }

    [Fact]
    public async Task The_last_config_reload_and_its_result_are_shown_with_its_age()
    {
        await using var stand = await GatewayWithUpstreams.StartAsync(options => options.Settings["Gateway:StatusPage:SampleInterval"] = "00:00:00.250");
        var gateway = stand.Gateway;
        var initial = await ConfigReloadAsync(gateway);
        Assert.Null((string?)initial["lastResult"]);
        Assert.NotNull(initial["loadedAt"]);

        // A good edit (a new route) is a successful reload, and the page's route count follows it.
        var config = gateway.ReadConfig();
        config["ReverseProxy"]!["Routes"]!["mem0-status-added"] = new JsonObject
        {
            ["ClusterId"] = "mem0",
            ["Match"] = new JsonObject { ["Path"] = "/status-added", ["Methods"] = new JsonArray("GET") },
            ["Metadata"] = new JsonObject { ["Operation"] = "status_added" },
        };
        gateway.RewriteConfig(config);
        JsonObject status = null!;
        await Poll.UntilAsync(async () =>
        {
            status = JsonNode.Parse(await gateway.Management.GetStringAsync("/status.json"))!.AsObject();
            return (string?)status["configReload"]!["lastResult"] == "success";
        }, TimeSpan.FromSeconds(10), "status.json shows the successful reload");
        Assert.True((double)status["configReload"]!["secondsAgo"]! < 10);
        Assert.Contains(status["operations"]!.AsArray(), o => (string)o!["operation"]! == "status_added");

        // A broken edit is rejected: the page says so, and the last good config stays live.
        config["ReverseProxy"]!["Routes"]!["mem0-search"]!["Match"] = new JsonObject();
        gateway.RewriteConfig(config);
        await Poll.UntilAsync(async () =>
        {
            status = JsonNode.Parse(await gateway.Management.GetStringAsync("/status.json"))!.AsObject();
            return (string?)status["configReload"]!["lastResult"] == "failure";
        }, TimeSpan.FromSeconds(10), "status.json shows the rejected reload");
        Assert.False((bool)status["configReload"]!["lastGood"]!);
        Assert.Equal(1, (double)status["configReload"]!["failures"]!);
    }

    private static async Task<JsonObject> ConfigReloadAsync(GatewayInstance gateway)
        => JsonNode.Parse(await gateway.Management.GetStringAsync("/status.json"))!["configReload"]!.AsObject();

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, int? status, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (status is { } code)
            {
                request.Headers.Add(FakeMem0Upstream.StatusHeader, code.ToString(CultureInfo.InvariantCulture));
            }

            using var response = await client.SendAsync(request);
            Assert.Equal(status ?? 200, (int)response.StatusCode);
        }
    }

    private static void AssertRatio(double? expected, JsonNode? actual, string what)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.True(Math.Abs(expected.Value - (double)actual!) < 0.0001, $"{what}: /metrics gives {expected}, status.json {actual}");
    }

    private static double ParseBound(string le) => le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);

    /// <summary>PromQL's histogram_quantile over cumulative buckets, written out independently of the gateway's.</summary>
    private static double? Quantile(double q, List<(double Bound, double Count)> buckets)
    {
        if (buckets.Count == 0 || buckets[^1].Count == 0)
        {
            return null;
        }

        var rank = q * buckets[^1].Count;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (buckets[i].Count < rank)
            {
                continue;
            }

            if (double.IsPositiveInfinity(buckets[i].Bound))
            {
                return buckets[^2].Bound;
            }

            var (lower, below) = i == 0 ? (0.0, 0.0) : (buckets[i - 1].Bound, buckets[i - 1].Count);
            return lower + ((buckets[i].Bound - lower) * (rank - below) / (buckets[i].Count - below));
        }

        return null;
    }
}
