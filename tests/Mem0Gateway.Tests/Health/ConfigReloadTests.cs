using System.Net;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Microsoft.Extensions.Logging;
using CapturedLogs = Mem0Gateway.Testing.CapturedLogEvents;

namespace Mem0Gateway.Tests.Health;

/// <summary>Editing yarp.json while the gateway runs: good edits take effect, bad ones are refused and said so.</summary>
public sealed class ConfigReloadTests
{
    private static async Task<double> ReloadsAsync(GatewayInstance gateway, string result)
        => (await gateway.ScrapeAsync()).Sum("mem0_gateway_config_reloads_total", ("result", result));

    private static double RequestsTo(MetricsSnapshot metrics, string route, params (string Label, string Value)[] more)
        => metrics.Sum("mem0_gateway_requests_total", [("route", route), .. more]);

    [Fact]
    public async Task An_edit_moves_a_service_to_a_new_destination_and_adds_a_route_without_a_restart()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        await using var replacement = await FakeMem0Upstream.StartAsync();
        var gateway = stack.Gateway;
        using var client = gateway.Client("mem0");
        Assert.Equal(0, await ReloadsAsync(gateway, "success"));

        var config = gateway.ReadConfig();
        config["ReverseProxy"]!["Clusters"]!["mem0"]!["Destinations"] = new JsonObject
        {
            ["mem0-new"] = new JsonObject { ["Address"] = replacement.BaseAddress.ToString() },
        };
        config["ReverseProxy"]!["Routes"]!["mem0-reload-added"] = new JsonObject
        {
            ["ClusterId"] = "mem0",
            ["Order"] = -1,
            ["Match"] = new JsonObject { ["Path"] = "/reload-added", ["Methods"] = new JsonArray("GET") },
            ["Metadata"] = new JsonObject { ["Operation"] = "other" },
        };
        gateway.RewriteConfig(config);

        // Counted once YARP has published the new routes. Traffic at the new destination is no sign of that: YARP moves
        // a cluster's destinations before it swaps the routes, and in between the old catch-all (mem0-other) serves
        // /reload-added, at the new destination, and is rightly counted as itself.
        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "success") >= 1, TimeSpan.FromSeconds(10), "the edit applied");
        using (var response = await client.GetAsync("/memories?user_id=u"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var response = await client.GetAsync("/reload-added"))
        {
            // The fake mem0 has no such path: its own 404, passed through.
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Single(replacement.RequestsTo("GET", "/memories"));
        Assert.Single(replacement.RequestsTo("GET", "/reload-added"));
        Assert.Empty(stack.Mem0.RequestsTo("GET", "/reload-added"));

        // The first request to the added route is counted as that route (the client can have its answer a moment
        // before the gateway has counted it).
        var metrics = await gateway.ScrapeUntilAsync(m => RequestsTo(m, "mem0-reload-added") + RequestsTo(m, "mem0-other") >= 1);
        Assert.Equal(1, RequestsTo(metrics, "mem0-reload-added"));
        Assert.Equal(0, RequestsTo(metrics, "mem0-other"));
        Assert.True(metrics.Sum("mem0_gateway_config_reloads_total", ("result", "success")) >= 1);
        Assert.Equal(0, metrics.Sum("mem0_gateway_config_reloads_total", ("result", "failure")));
        // Health follows the destinations: the removed one's series is gone, the new one is watched.
        Assert.Empty(metrics.Series("mem0_gateway_upstream_up", ("destination", "mem0-1")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_up", ("service", "mem0"), ("destination", "mem0-new")));
    }

    [Fact]
    public async Task The_first_request_after_each_reload_is_counted_as_the_route_and_operation_that_config_gives_its_path()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        var gateway = stack.Gateway;
        using var client = gateway.Client("mem0");
        // Who serves /probe, reload by reload: a new route, the same route id with another operation, another route id.
        (string Route, string Operation)[] steps = [("mem0-probe-a", "probe_one"), ("mem0-probe-a", "probe_two"), ("mem0-probe-b", "probe_three")];
        string[] candidates = ["mem0-probe-a", "mem0-probe-b", "mem0-other"];

        for (var i = 0; i < steps.Length; i++)
        {
            var (route, operation) = steps[i];
            var config = gateway.ReadConfig();
            var routes = config["ReverseProxy"]!["Routes"]!.AsObject();
            routes.Remove("mem0-probe-a");
            routes.Remove("mem0-probe-b");
            routes[route] = new JsonObject
            {
                ["ClusterId"] = "mem0",
                ["Match"] = new JsonObject { ["Path"] = "/probe", ["Methods"] = new JsonArray("GET") },
                ["Metadata"] = new JsonObject { ["Operation"] = operation },
            };
            gateway.RewriteConfig(config);
            var reloads = i + 1;
            await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "success") >= reloads, TimeSpan.FromSeconds(10), $"reload {reloads} applied");

            (await client.GetAsync("/probe")).Dispose();

            var metrics = await gateway.ScrapeUntilAsync(m => candidates.Sum(c => RequestsTo(m, c)) >= reloads);
            Assert.Equal(reloads, candidates.Sum(c => RequestsTo(metrics, c)));
            Assert.Equal(1, RequestsTo(metrics, route, ("operation", operation)));
            Assert.Equal(0, RequestsTo(metrics, "mem0-other"));
        }
    }

    [Fact]
    public async Task An_invalid_edit_is_rejected_logged_once_and_counted_while_the_old_routes_keep_serving()
    {
        var logs = new CapturedLogs();
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Settings["Logging:LogLevel:Mem0Gateway.Hosting"] = "Information";
            o.ConfigureBuilder = builder => builder.Logging.AddProvider(logs);
        });
        var gateway = stack.Gateway;
        using var client = gateway.Client("mem0");

        var config = gateway.ReadConfig();
        config["ReverseProxy"]!["Routes"]!["mem0-search"]!["Match"] = new JsonObject(); // neither Path nor Hosts
        config["ReverseProxy"]!["Clusters"]!["mem0"]!["Destinations"] = new JsonObject
        {
            ["mem0-1"] = new JsonObject { ["Address"] = "http://127.0.0.1:1/" },
        };
        gateway.RewriteConfig(config);

        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "failure") >= 1, TimeSpan.FromSeconds(10), "a rejected reload");
        Assert.Equal(0, await ReloadsAsync(gateway, "success"));
        var rejected = Assert.Single(logs.Messages("Proxy config edit rejected"));
        Assert.Contains("mem0-search", rejected);

        // The last good config is still live: same destination, same routes.
        using (var response = await client.PostAsync("/search", new StringContent("""{"query":"q","user_id":"u"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Single(stack.Mem0.RequestsTo("POST", "/search"));

        // Fixing the file is picked up as usual.
        gateway.RewriteConfig(GatewayFixedConfig(gateway));
        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "success") >= 1, TimeSpan.FromSeconds(10), "a successful reload after the fix");
    }

    [Fact]
    public async Task A_config_file_that_no_longer_parses_is_rejected_and_the_old_config_keeps_serving()
    {
        var logs = new CapturedLogs();
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Settings["Logging:LogLevel:Mem0Gateway.Hosting"] = "Information";
            o.ConfigureBuilder = builder => builder.Logging.AddProvider(logs);
        });
        var gateway = stack.Gateway;
        using var client = gateway.Client("mem0");
        var good = gateway.ReadConfig();

        var broken = good.ToJsonString();
        File.WriteAllText(gateway.ConfigPath, broken[..(broken.Length / 2)]); // a half-saved file

        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "failure") >= 1, TimeSpan.FromSeconds(10), "a rejected reload");
        Assert.Contains(logs.Messages("Proxy config edit rejected"), m => m.Contains("LineNumber", StringComparison.Ordinal));
        using (var response = await client.GetAsync("/memories?user_id=u"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        gateway.RewriteConfig(GatewayFixedConfig(gateway, good));
        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "success") >= 1, TimeSpan.FromSeconds(10), "a successful reload after the fix");
        using (var response = await client.GetAsync("/memories?user_id=u"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public enum BadEdit { Deleted, Emptied, EmptyObject, ServiceWithoutClusterOrRoutes, ServiceWithoutRoutes }

    [Theory]
    [InlineData(BadEdit.Deleted, "is missing")]
    [InlineData(BadEdit.Emptied, "is empty")]
    [InlineData(BadEdit.EmptyObject, "has no ReverseProxy routes or clusters")]
    [InlineData(BadEdit.ServiceWithoutClusterOrRoutes, "service 'openmemory-ui' has no cluster")]
    [InlineData(BadEdit.ServiceWithoutRoutes, "service 'openmemory-ui' has no route")]
    public async Task An_edit_that_would_unroute_a_service_is_rejected_and_the_last_good_config_keeps_serving(BadEdit edit, string reason)
    {
        var logs = new CapturedLogs();
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Settings["Logging:LogLevel:Mem0Gateway.Health"] = "Information";
            o.ConfigureBuilder = builder => builder.Logging.AddProvider(logs);
        });
        var gateway = stack.Gateway;
        var good = gateway.ReadConfig();
        Assert.Equal(1, (await gateway.ScrapeAsync()).Sum("mem0_gateway_config_last_reload_successful"));

        switch (edit)
        {
            case BadEdit.Deleted:
                File.Delete(gateway.ConfigPath);
                break;
            case BadEdit.Emptied:
                File.WriteAllText(gateway.ConfigPath, "\n");
                break;
            case BadEdit.EmptyObject:
                File.WriteAllText(gateway.ConfigPath, "{}");
                break;
            default:
                var config = gateway.ReadConfig();
                var routes = config["ReverseProxy"]!["Routes"]!.AsObject();
                foreach (var route in routes.Where(r => (string?)r.Value!["ClusterId"] == "openmemory-ui").Select(r => r.Key).ToList())
                {
                    routes.Remove(route);
                }

                if (edit == BadEdit.ServiceWithoutClusterOrRoutes)
                {
                    config["ReverseProxy"]!["Clusters"]!.AsObject().Remove("openmemory-ui");
                }

                gateway.RewriteConfig(config);
                break;
        }

        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "failure") >= 1, TimeSpan.FromSeconds(10), "a rejected reload");
        var metrics = await gateway.ScrapeAsync();
        Assert.Equal(0, metrics.Sum("mem0_gateway_config_reloads_total", ("result", "success")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_config_last_reload_successful"));
        Assert.Contains(logs.Messages("Proxy config edit rejected"), m => m.Contains(reason, StringComparison.Ordinal));

        // Every service still answers from the last good config.
        foreach (var (service, path) in new[] { ("mem0", "/memories?user_id=u"), ("openmemory-ui", "/docs") })
        {
            using var client = gateway.Client(service);
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        gateway.RewriteConfig(good);
        await Poll.UntilAsync(async () => await ReloadsAsync(gateway, "success") >= 1, TimeSpan.FromSeconds(10), "a successful reload after the fix");
        Assert.Equal(1, (await gateway.ScrapeAsync()).Sum("mem0_gateway_config_last_reload_successful"));
    }

    private static JsonObject GatewayFixedConfig(GatewayInstance gateway, JsonObject? good = null)
    {
        var config = good ?? gateway.ReadConfig();
        config["ReverseProxy"]!["Routes"]!["mem0-search"]!["Match"] = new JsonObject
        {
            ["Path"] = "/search",
            ["Methods"] = new JsonArray("POST"),
        };
        return config;
    }
}
