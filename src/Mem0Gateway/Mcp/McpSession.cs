using System.Diagnostics;

namespace Mem0Gateway.Mcp;

/// <summary>A tools/call waiting for its result on the stream.</summary>
public readonly record struct PendingToolCall(string Tool, long StartTimestamp);

/// <summary>
/// One open MCP SSE session as the gateway saw it: its client label, the keyed hash of its user (for activity counting)
/// and the tool calls still waiting for a result. The session id itself is not kept: the registry key is its keyed hash.
/// </summary>
public sealed class McpSession
{
    private readonly Dictionary<string, PendingToolCall> _pending = new(StringComparer.Ordinal);
    private readonly int _maxPending;

    public McpSession(string client, ulong? userHash, int maxPending)
    {
        Client = client;
        UserHash = userHash;
        _maxPending = maxPending;
    }

    public string Client { get; }

    public ulong? UserHash { get; }

    /// <summary>False when the id is already waiting or the session has as many unanswered calls as it may keep.</summary>
    public bool TryAddPending(string idKey, string tool, long startTimestamp)
    {
        lock (_pending)
        {
            return _pending.Count < _maxPending && _pending.TryAdd(idKey, new PendingToolCall(tool, startTimestamp));
        }
    }

    public bool TryComplete(string idKey, out PendingToolCall call)
    {
        lock (_pending)
        {
            return _pending.Remove(idKey, out call);
        }
    }

    /// <summary>Removes and returns the calls older than <paramref name="timeout"/>.</summary>
    public List<PendingToolCall>? TakeExpired(long now, TimeSpan timeout)
    {
        List<PendingToolCall>? expired = null;
        lock (_pending)
        {
            foreach (var (id, call) in _pending)
            {
                if (Stopwatch.GetElapsedTime(call.StartTimestamp, now) >= timeout)
                {
                    (expired ??= []).Add(call);
                    _pending.Remove(id);
                }
            }
        }

        return expired;
    }

    public List<PendingToolCall> TakeAll()
    {
        lock (_pending)
        {
            var all = _pending.Values.ToList();
            _pending.Clear();
            return all;
        }
    }
}
