namespace Mem0Gateway.Mcp;

/// <summary>
/// One MCP session as the gateway saw it: a 2024 SSE stream (its life is the stream's) or a Streamable HTTP session
/// (from the <c>initialize</c> response that issued its <c>Mcp-Session-Id</c> to a DELETE, a 404 or idle time). It
/// keeps its labels, the keyed hash of its user, when it was opened and last used, and the requests still waiting for
/// an answer. The session id itself is not kept: the registry key is its keyed hash.
/// </summary>
public sealed class McpSession
{
    private readonly Dictionary<string, McpCall> _pending = new(StringComparer.Ordinal);
    private readonly int _maxPending;
    private long _lastSeenTimestamp;
    private int _openStreams;
    private string _client;
    private int _counted;

    public McpSession(string client, string transport, ulong? userHash, int maxPending, long openedTimestamp, bool endsWithStream)
    {
        _client = client;
        Transport = transport;
        UserHash = userHash;
        _maxPending = maxPending;
        OpenedTimestamp = openedTimestamp;
        _lastSeenTimestamp = openedTimestamp;
        EndsWithStream = endsWithStream;
    }

    /// <summary>The client label; a 2024 stream with no client in its path learns it from its first message.</summary>
    public string Client => Volatile.Read(ref _client);

    /// <summary>Whether the session is in the session metrics yet (it is once its client label is settled).</summary>
    public bool IsCounted => Volatile.Read(ref _counted) != 0;

    /// <summary>True for the one caller that gets to count the session open, with its final client label.</summary>
    public bool TryMarkCounted(string client)
    {
        if (Interlocked.CompareExchange(ref _counted, 1, 0) != 0)
        {
            return false;
        }

        Volatile.Write(ref _client, client);
        return true;
    }

    /// <summary>The transport label: <c>sse_2024</c> or <c>streamable_http</c>.</summary>
    public string Transport { get; }

    public ulong? UserHash { get; }

    public long OpenedTimestamp { get; }

    /// <summary>A 2024 SSE session ends with its stream, never by idle time.</summary>
    public bool EndsWithStream { get; }

    public long LastSeenTimestamp => Volatile.Read(ref _lastSeenTimestamp);

    /// <summary>An open GET stream keeps a Streamable HTTP session alive, as the servers themselves count it.</summary>
    public bool HasOpenStream => Volatile.Read(ref _openStreams) > 0;

    public void Touch(long timestamp) => Volatile.Write(ref _lastSeenTimestamp, timestamp);

    public void StreamOpened() => Interlocked.Increment(ref _openStreams);

    public void StreamClosed(long timestamp)
    {
        Interlocked.Decrement(ref _openStreams);
        Touch(timestamp);
    }

    /// <summary>False when the id is already waiting or the session has as many unanswered calls as it may keep.</summary>
    public bool TryAddPending(McpCall call)
    {
        lock (_pending)
        {
            return call.IdKey is { } id && _pending.Count < _maxPending && _pending.TryAdd(id, call);
        }
    }

    public bool IsPending(string idKey)
    {
        lock (_pending)
        {
            return _pending.ContainsKey(idKey);
        }
    }

    public bool TryTake(string idKey, out McpCall call)
    {
        lock (_pending)
        {
            return _pending.Remove(idKey, out call!);
        }
    }

    /// <summary>Removes and returns the calls sent before <paramref name="sentBefore"/>.</summary>
    public List<McpCall>? TakeSentBefore(long sentBefore)
    {
        List<McpCall>? expired = null;
        lock (_pending)
        {
            foreach (var (id, call) in _pending)
            {
                if (call.StartTimestamp <= sentBefore)
                {
                    (expired ??= []).Add(call);
                    _pending.Remove(id);
                }
            }
        }

        return expired;
    }

    public List<McpCall> TakeAll()
    {
        lock (_pending)
        {
            var all = _pending.Values.ToList();
            _pending.Clear();
            return all;
        }
    }
}
