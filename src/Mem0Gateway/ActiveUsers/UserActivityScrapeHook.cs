using Mem0Gateway.Mcp;
using Mem0Gateway.Metrics;
using Prometheus;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// Work done when /metrics is scraped rather than per request: merging the sliding-window sketches into the
/// active-user gauges, and counting MCP tool calls whose result never came as timed out.
/// </summary>
internal sealed class UserActivityScrapeHook : IHostedService
{
    private readonly CollectorRegistry _registry;
    private readonly GatewayMetrics _metrics;
    private readonly ActiveUserEstimator? _activeUsers;
    private readonly McpSessionRegistry? _sessions;
    private bool _stopped;

    public UserActivityScrapeHook(CollectorRegistry registry, GatewayMetrics metrics, IServiceProvider services)
    {
        _registry = registry;
        _metrics = metrics;
        _activeUsers = services.GetService<ActiveUserEstimator>();
        _sessions = services.GetService<McpSessionRegistry>();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // prometheus-net has no way to remove a callback: it checks the flag instead once the host stops.
        _registry.AddBeforeCollectCallback(() =>
        {
            if (_stopped)
            {
                return;
            }

            _sessions?.ExpirePendingCalls();
            _activeUsers?.UpdateGauges(_metrics);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        return Task.CompletedTask;
    }
}
