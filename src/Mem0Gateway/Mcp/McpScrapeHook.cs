using Prometheus;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Counts MCP tool calls whose result never came as timed out when /metrics is scraped, so the count is current
/// without a timer per call.
/// </summary>
internal sealed class McpScrapeHook : IHostedService
{
    private readonly CollectorRegistry _registry;
    private readonly McpSessionRegistry _sessions;
    private bool _stopped;

    public McpScrapeHook(CollectorRegistry registry, McpSessionRegistry sessions)
    {
        _registry = registry;
        _sessions = sessions;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // prometheus-net has no way to remove a callback: it checks the flag instead once the host stops.
        _registry.AddBeforeCollectCallback(() =>
        {
            if (!_stopped)
            {
                _sessions.ExpirePendingCalls();
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
