using Prometheus;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// Merges the sliding-window sketches into the active-user gauges when /metrics is scraped rather than per request.
/// </summary>
internal sealed class UserActivityScrapeHook : IHostedService
{
    private readonly CollectorRegistry _registry;
    private readonly ActiveUserMetrics _metrics;
    private readonly ActiveUserEstimator _activeUsers;
    private bool _stopped;

    public UserActivityScrapeHook(CollectorRegistry registry, ActiveUserMetrics metrics, ActiveUserEstimator activeUsers)
    {
        _registry = registry;
        _metrics = metrics;
        _activeUsers = activeUsers;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // prometheus-net has no way to remove a callback: it checks the flag instead once the host stops.
        _registry.AddBeforeCollectCallback(() =>
        {
            if (!_stopped)
            {
                _activeUsers.UpdateGauges(_metrics);
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
