using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>An attacker spraying random paths, methods and queries cannot grow the gateway's series.</summary>
public sealed class CardinalityUnderAttackTests
{
    [Fact]
    public async Task A_hundred_thousand_random_requests_change_the_series_count_by_at_most_a_small_constant()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        static int GatewaySeries(MetricsSnapshot m) => m.Samples.Count(s => s.Name.StartsWith("mem0_gateway_", StringComparison.Ordinal));
        var before = GatewaySeries(await stack.Gateway.ScrapeAsync());
        string[] methods = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "PURGE", "M-SEARCH", "FOO"];
        var services = new[] { "mem0", "openmemory", "openmemory-ui" };
        var clients = services.Select(stack.Gateway.Client).ToArray();
        var next = 0;

        async Task WorkerAsync(int worker, int total)
        {
            var random = new Random(worker + total);
            int i;
            while ((i = Interlocked.Increment(ref next)) <= total)
            {
                var path = $"/{Guid.NewGuid():N}/{random.Next()}/{(char)('a' + random.Next(26))}?user_id={Guid.NewGuid():N}&k{random.Next(1000)}=v";
                using var request = new HttpRequestMessage(new HttpMethod(methods[random.Next(methods.Length)]), path);
                using var response = await clients[i % clients.Length].SendAsync(request);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => WorkerAsync(w, 90_000)));
        var afterAttack = await stack.Gateway.ScrapeAsync();
        next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => WorkerAsync(w, 10_000)));
        var metrics = await stack.Gateway.ScrapeAsync();

        Assert.Equal(100_000, metrics.Sum("mem0_gateway_requests_total"));
        // Saturated: ten thousand more all-new paths, ids and queries add not one series.
        Assert.Equal(GatewaySeries(afterAttack), GatewaySeries(metrics));
        // And the level it saturated at is set by config: 3 catch-all routes × normalised methods × (histogram
        // buckets + sum + count + the few statuses and error values seen), plus 3 in-flight gauges.
        var bound = 3 * Mem0Gateway.Proxy.HttpMethodLabels.Count * (Mem0Gateway.Metrics.GatewayMetrics.RequestDurationBuckets.Length + 1 + 2 + 4) + 3;
        Assert.True(GatewaySeries(metrics) - before <= bound, $"{GatewaySeries(metrics) - before} new series, bound {bound}");
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.Values.Any(v => v.Length == 32 && v.All(Uri.IsHexDigit)));
    }
}
