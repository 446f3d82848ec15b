using Mem0Gateway.Scraping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace Mem0Gateway.Tests.Scraping;

/// <summary>A feature's scrape callback runs at start and on every collection while the host runs, and never after.</summary>
public sealed class ScrapeCallbackTests
{
    private sealed class Calls
    {
        public int Count;
    }

    [Fact]
    public async Task The_callback_runs_at_start_and_on_each_scrape_and_stops_with_the_host()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<Calls>();
        builder.Services.AddScrapeCallback<Calls>(calls => calls.Count++);
        // A second callback on the same service is a second registration, not a duplicate to drop.
        builder.Services.AddScrapeCallback<Calls, CollectorRegistry>((calls, _) => calls.Count += 100);
        using var host = builder.Build();
        var calls = host.Services.GetRequiredService<Calls>();

        await host.StartAsync();
        Assert.Equal(101, calls.Count);

        await registry.CollectAndExportAsTextAsync(Stream.Null);
        Assert.Equal(202, calls.Count);

        await host.StopAsync();
        await registry.CollectAndExportAsTextAsync(Stream.Null);
        Assert.Equal(202, calls.Count);
    }
}
