using System.Text;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Metrics;

/// <summary>Raw paths, ids and odd methods never become label values: the series count is bounded by config.</summary>
public sealed class CardinalityTests
{
    [Fact]
    public async Task Thousands_of_random_paths_ids_and_methods_leave_the_series_bounded()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        var random = new Random(42);
        string[] methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "BREW", "PROPFIND", "X-CUSTOM-"];

        async Task SendBatchAsync(int count)
        {
            var tasks = Enumerable.Range(0, count).Select(async i =>
            {
                var id = Guid.NewGuid().ToString();
                var path = (i % 4) switch
                {
                    0 => $"/memories/{id}",
                    1 => $"/memories/{id}/history",
                    2 => $"/{RandomSegment(random)}/{RandomSegment(random)}",
                    _ => $"/users/{id}/memories/{RandomSegment(random)}",
                };
                var method = methods[i % methods.Length] + (i % methods.Length == 7 ? i.ToString() : "");
                using var request = new HttpRequestMessage(new HttpMethod(method), $"{path}?user_id={id}&q={RandomSegment(random)}");
                using var response = await client.SendAsync(request);
            });
            await Task.WhenAll(tasks);
        }

        await SendBatchAsync(500);
        var afterFirst = (await stack.Gateway.ScrapeAsync()).Series("mem0_gateway_requests_total").Count();
        await SendBatchAsync(2500);
        var metrics = await stack.Gateway.ScrapeAsync();
        var gatewaySeries = metrics.Samples.Where(s => s.Name.StartsWith("mem0_gateway_", StringComparison.Ordinal)).ToList();

        // Five times the traffic, with all-new ids and paths, adds no request series.
        Assert.Equal(afterFirst, metrics.Series("mem0_gateway_requests_total").Count());
        Assert.True(gatewaySeries.Count < 200, $"{gatewaySeries.Count} series");
        var configuredRoutes = GatewayConfigFile.LoadRepositoryConfig()["ReverseProxy"]!["Routes"]!.AsObject().Select(r => r.Key).ToHashSet();
        Assert.All(gatewaySeries.Where(s => s.Labels.ContainsKey("route")), s => Assert.Contains(s.Label("route"), configuredRoutes));
        Assert.All(gatewaySeries.Where(s => s.Labels.ContainsKey("method")),
            s => Assert.Contains(s.Label("method"), new[] { "GET", "POST", "PUT", "DELETE", "PATCH", "_OTHER" }));
        Assert.DoesNotContain(gatewaySeries, s => s.Labels.Values.Any(v => Guid.TryParse(v, out _)));
        Assert.Equal(3000, metrics.Sum("mem0_gateway_requests_total"));
    }

    private static string RandomSegment(Random random)
    {
        var chars = new StringBuilder();
        for (var i = 0; i < 8; i++)
        {
            chars.Append((char)('a' + random.Next(26)));
        }

        return chars.ToString();
    }
}
