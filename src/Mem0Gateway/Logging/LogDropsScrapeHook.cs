using Prometheus;

namespace Mem0Gateway.Logging;

/// <summary>
/// Copies the log writer's drop count into <c>mem0_gateway_log_events_dropped_total</c> when /metrics is scraped, so
/// the drop path itself stays a single interlocked increment.
/// </summary>
internal sealed class LogDropsScrapeHook : IHostedService
{
    private readonly CollectorRegistry _registry;
    private readonly LogMetrics _metrics;
    private readonly GatewayLogPipeline _pipeline;

    public LogDropsScrapeHook(CollectorRegistry registry, GatewayLogPipeline pipeline)
    {
        _registry = registry;
        _metrics = new LogMetrics(registry);
        _pipeline = pipeline;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Touch the counter so the series exists (at 0) from the first scrape: rate() needs it before the first drop.
        _metrics.EventsDropped.IncTo(_pipeline.DroppedEvents);
        _registry.AddBeforeCollectCallback(() => _metrics.EventsDropped.IncTo(_pipeline.DroppedEvents));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
