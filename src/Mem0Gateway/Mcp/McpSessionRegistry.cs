using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Open MCP sessions by the keyed hash of their client-facing session id, so every later request (a 2024 message POST,
/// a Streamable HTTP POST, GET or DELETE) can be tied to its session's client, user and waiting calls. Bounded by
/// <see cref="McpOptions.MaxTrackedSessions"/>. A Streamable HTTP session is counted (gauge, total, duration) from
/// here; a 2024 SSE session is counted by its stream.
/// </summary>
public sealed class McpSessionRegistry
{
    private readonly ConcurrentDictionary<ulong, McpSession> _sessions = new();
    private readonly IOptionsMonitor<McpOptions> _options;
    private readonly McpMetrics _metrics;
    private readonly McpCallTracker _calls;

    public McpSessionRegistry(IOptionsMonitor<McpOptions> options, McpMetrics metrics, McpCallTracker calls)
    {
        _options = options;
        _metrics = metrics;
        _calls = calls;
    }

    public bool TryAdd(ulong key, McpSession session)
        => _sessions.Count < _options.CurrentValue.MaxTrackedSessions && _sessions.TryAdd(key, session);

    /// <summary>Tracks a session whose id an <c>initialize</c> response just issued, and counts it as open.</summary>
    public bool TryOpen(ulong key, McpSession session)
    {
        if (!TryAdd(key, session))
        {
            return false;
        }

        session.TryMarkCounted(session.Client);
        _metrics.SessionOpened(session.Client, session.Transport);
        return true;
    }

    public McpSession? Find(ulong key) => _sessions.TryGetValue(key, out var session) ? session : null;

    /// <summary>Forgets the session; calls still waiting for an answer are counted as abandoned.</summary>
    public bool Remove(ulong key, McpSession session)
    {
        if (!_sessions.TryRemove(new KeyValuePair<ulong, McpSession>(key, session)))
        {
            return false;
        }

        var now = _calls.Now;
        foreach (var call in session.TakeAll())
        {
            _calls.End(call, ToolCallOutcome.Abandoned, null, now);
        }

        return true;
    }

    /// <summary>Ends a session opened by <see cref="TryOpen"/>; its duration runs to <paramref name="endTimestamp"/>.</summary>
    public void Close(ulong key, McpSession session, long endTimestamp)
    {
        if (Remove(key, session))
        {
            _metrics.SessionClosed(session.Client, session.Transport, _calls.Time.GetElapsedTime(session.OpenedTimestamp, endTimestamp));
        }
    }

    /// <summary>
    /// Run before each scrape: calls that waited longer than the tool-call timeout end as timed out, and Streamable
    /// HTTP sessions unused for the idle timeout (and with no stream open) end, their duration running to their last use.
    /// </summary>
    public void ExpirePendingCalls()
    {
        var options = _options.CurrentValue;
        var time = _calls.Time;
        var now = time.GetTimestamp();
        var callsSentBefore = now - (long)(options.ToolCallTimeout.TotalSeconds * time.TimestampFrequency);
        var idleSince = now - (long)(options.SessionIdleTimeout.TotalSeconds * time.TimestampFrequency);
        foreach (var (key, session) in _sessions)
        {
            if (session.TakeSentBefore(callsSentBefore) is { } expired)
            {
                foreach (var call in expired)
                {
                    _calls.End(call, ToolCallOutcome.Timeout, null, now);
                }
            }

            if (!session.EndsWithStream && !session.HasOpenStream && session.LastSeenTimestamp <= idleSince)
            {
                Close(key, session, session.LastSeenTimestamp);
            }
        }
    }
}
