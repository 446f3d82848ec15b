using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Open MCP sessions by the keyed hash of their session id, so a POST to <c>/mcp/messages/?session_id=</c> can be tied
/// to the client app and user of its stream. Bounded by <see cref="McpOptions.MaxTrackedSessions"/>; entries leave
/// when their stream ends.
/// </summary>
public sealed class McpSessionRegistry
{
    private readonly ConcurrentDictionary<ulong, McpSession> _sessions = new();
    private readonly IOptionsMonitor<McpOptions> _options;
    private readonly McpMetrics _metrics;

    public McpSessionRegistry(IOptionsMonitor<McpOptions> options, McpMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
    }

    public int Count => _sessions.Count;

    public bool TryAdd(ulong key, McpSession session)
        => _sessions.Count < _options.CurrentValue.MaxTrackedSessions && _sessions.TryAdd(key, session);

    public McpSession? Find(ulong key) => _sessions.TryGetValue(key, out var session) ? session : null;

    /// <summary>Forgets the session; calls still waiting for a result are counted as abandoned.</summary>
    public void Remove(ulong key, McpSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<ulong, McpSession>(key, session)))
        {
            foreach (var call in session.TakeAll())
            {
                _metrics.ToolCallEnded(call.Tool, session.Client, ToolCallOutcome.Abandoned, null);
            }
        }
    }

    /// <summary>Counts calls that waited longer than the timeout as timed out (run before each scrape).</summary>
    public void ExpirePendingCalls()
    {
        var now = Stopwatch.GetTimestamp();
        var timeout = _options.CurrentValue.ToolCallTimeout;
        foreach (var session in _sessions.Values)
        {
            if (session.TakeExpired(now, timeout) is { } expired)
            {
                foreach (var call in expired)
                {
                    _metrics.ToolCallEnded(call.Tool, session.Client, ToolCallOutcome.Timeout, Stopwatch.GetElapsedTime(call.StartTimestamp, now));
                }
            }
        }
    }
}
