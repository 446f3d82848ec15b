using System.Net;
using Mem0Gateway.Testing;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Tests.ActiveUsers;

/// <summary>Active users counted across gateway replicas through a real Redis, and what happens without it.</summary>
public sealed class ClusterActiveUsersTests
{
    private static void UseRedis(GatewayInstanceOptions options, LocalRedis redis, CapturedLogEvents? logs = null)
    {
        options.Settings["Gateway:ActiveUsers:RedisConnectionString"] = redis.ConnectionString + ",connectTimeout=1000,asyncTimeout=1000";
        options.Settings["Gateway:ActiveUsers:RedisFlushInterval"] = "00:00:00.200";
        options.Settings["Gateway:Privacy:HashKey"] = "replicas-share-this-key";
        if (logs is not null)
        {
            options.ConfigureBuilder = builder => builder.Logging.AddProvider(logs);
        }
    }

    private static async Task RequestUsersAsync(HttpClient client, IEnumerable<int> users)
    {
        foreach (var user in users)
        {
            using var response = await client.GetAsync($"/memories?user_id=cluster-user-{user}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static double Cluster(MetricsSnapshot m, string window = "5m") => m.Sum("mem0_gateway_active_users_cluster", ("service", "mem0"), ("window", window));

    private static double Local(MetricsSnapshot m, string window = "5m") => m.Sum("mem0_gateway_active_users", ("service", "mem0"), ("window", window));

    [Fact]
    public async Task Two_replicas_sharing_Redis_count_a_user_seen_by_both_once()
    {
        await using var redis = await LocalRedis.StartAsync();
        await using var a = await GatewayWithUpstreams.StartAsync(o => UseRedis(o, redis));
        await using var b = await GatewayWithUpstreams.StartAsync(o => UseRedis(o, redis));
        using var clientA = a.Gateway.Client("mem0");
        using var clientB = b.Gateway.Client("mem0");

        // 300 users: 0-199 through A, 100-299 through B (100 seen by both).
        await RequestUsersAsync(clientA, Enumerable.Range(0, 200));
        await RequestUsersAsync(clientB, Enumerable.Range(100, 200));

        foreach (var gateway in new[] { a.Gateway, b.Gateway })
        {
            var metrics = await gateway.ScrapeUntilAsync(m => Cluster(m) >= 297 && Cluster(m, "24h") >= 297);
            Assert.Equal(1, metrics.Sum("mem0_gateway_active_users_store_up"));
            foreach (var window in new[] { "5m", "1h", "24h" })
            {
                // Redis' HyperLogLog is exact-ish at this size; 1 % is far beyond its 0.81 % standard error.
                Assert.InRange(Cluster(metrics, window), 297, 303);
                Assert.InRange(Local(metrics, window), 198, 202);
            }
        }

        // What summing the replicas' own estimates would have said.
        Assert.InRange(Local(await a.Gateway.ScrapeAsync()) + Local(await b.Gateway.ScrapeAsync()), 396, 404);
    }

    [Fact]
    public async Task When_Redis_goes_away_the_gateway_keeps_serving_reports_its_own_estimate_and_says_so()
    {
        var logs = new CapturedLogEvents();
        await using var redis = await LocalRedis.StartAsync();
        await using var stack = await GatewayWithUpstreams.StartAsync(o => UseRedis(o, redis, logs));
        using var client = stack.Gateway.Client("mem0");
        await RequestUsersAsync(client, Enumerable.Range(0, 10));
        var up = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_active_users_store_up") == 1 && Cluster(m) == 10);
        Assert.Equal(1, up.Sum("mem0_gateway_active_users_store_up"));

        await redis.StopAsync();
        await RequestUsersAsync(client, Enumerable.Range(10, 15)); // every request still answered 200
        var down = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_active_users_store_up") == 0 && Cluster(m) == 25);
        Assert.Equal(0, down.Sum("mem0_gateway_active_users_store_up"));
        Assert.Equal(25, Local(down));
        Assert.Equal(25, Cluster(down)); // the local estimate stands in
        Assert.True(logs.Messages("Active-user store (Redis) unreachable").Count() == 1,
            string.Join("\n", logs.Events.Select(l => $"{l.Category} {l.Level} {l.Message}")));

        // Back on the same port, empty: the queued users are written and the store is trusted again.
        await redis.StartAsync(TimeSpan.FromSeconds(10));
        await RequestUsersAsync(client, Enumerable.Range(25, 5));
        var back = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_active_users_store_up") == 1);
        Assert.Equal(1, back.Sum("mem0_gateway_active_users_store_up"));
        await Poll.UntilAsync(async () => logs.Messages("answers again").Any(), TimeSpan.FromSeconds(10), "the store-back log line");
    }

    [Fact]
    public async Task Without_Redis_there_is_no_cluster_count_and_the_help_text_says_the_count_is_per_replica()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        await RequestUsersAsync(client, Enumerable.Range(0, 3));
        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(3, Local(metrics));
        Assert.Empty(metrics.Series("mem0_gateway_active_users_cluster"));
        Assert.Empty(metrics.Series("mem0_gateway_active_users_store_up"));
        Assert.Contains("# HELP mem0_gateway_active_users Estimated distinct mem0 users that made a request in the window, seen by THIS replica only: never sum across replicas", metrics.Text);
    }
}
