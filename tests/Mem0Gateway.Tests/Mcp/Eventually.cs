using System.Diagnostics;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Mcp;

internal static class Eventually
{
    /// <summary>Scrapes until <paramref name="done"/> holds (or 10 s pass) and returns the last scrape, for the test to assert on.</summary>
    public static async Task<MetricsSnapshot> ScrapeUntilAsync(GatewayInstance gateway, Func<MetricsSnapshot, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var metrics = await gateway.ScrapeAsync();
            if (done(metrics) || watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                return metrics;
            }

            await Task.Delay(50);
        }
    }
}
