using Prometheus;

namespace Mem0Gateway.Scraping;

/// <summary>
/// Runs one feature's callback before each /metrics collection from host start until host stop, so values that are
/// costly to keep current per request (merged sketches, expiries, a sink's drop count) are brought up to date only
/// when someone reads them.
/// </summary>
internal sealed class ScrapeCallback : IHostedService
{
    private readonly CollectorRegistry _registry;
    private readonly Action _onScrape;
    private volatile bool _stopped;

    public ScrapeCallback(CollectorRegistry registry, Action onScrape)
    {
        _registry = registry;
        _onScrape = onScrape;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Once now, so the series it writes exist (at their current value) from the first scrape on: rate() needs a
        // series before its first increase.
        _onScrape();
        // prometheus-net cannot remove a callback: it checks the flag instead once the host stops.
        _registry.AddBeforeCollectCallback(() =>
        {
            if (!_stopped)
            {
                _onScrape();
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        return Task.CompletedTask;
    }
}
