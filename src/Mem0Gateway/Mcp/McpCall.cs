using System.Diagnostics;

namespace Mem0Gateway.Mcp;

/// <summary>
/// A JSON-RPC request on its way to its response: what it is (bounded labels), when it was sent (a
/// <see cref="TimeProvider"/> timestamp) and its span. It can be answered on the POST's own stream, on another stream
/// (2024 SSE, a resumed stream) or not at all; whichever path ends it first wins, so nothing is counted twice.
/// </summary>
public sealed class McpCall
{
    private int _ended;

    public McpCall(string? idKey, string method, string? tool, string client, long startTimestamp, Activity? span)
    {
        IdKey = idKey;
        Method = method;
        Tool = tool;
        Client = client;
        StartTimestamp = startTimestamp;
        Span = span;
    }

    /// <summary>The request id as a correlation key; null when it is known only from the routing headers.</summary>
    public string? IdKey { get; }

    /// <summary>The method label.</summary>
    public string Method { get; }

    /// <summary>The tool label of a tools/call; null for other methods.</summary>
    public string? Tool { get; }

    public string Client { get; }

    public long StartTimestamp { get; }

    public Activity? Span { get; }

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>True for the one caller that gets to end the call.</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;
}
