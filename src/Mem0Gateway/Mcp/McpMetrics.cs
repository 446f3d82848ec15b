using System.Collections.Concurrent;
using Mem0Gateway.Metrics;
using Prometheus;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Records the MCP metrics defined in <see cref="GatewayMetrics"/>, with label children cached per (bounded) label set
/// so a message costs dictionary lookups, not label-array allocations.
/// </summary>
public sealed class McpMetrics
{
    private readonly GatewayMetrics _metrics;
    private readonly ConcurrentDictionary<(string, string), SessionChildren> _sessions = new();
    private readonly ConcurrentDictionary<(string, string, string, string), Counter.Child> _messages = new();
    private readonly ConcurrentDictionary<(string, string, string), Counter.Child> _clientInfos = new();
    private readonly ConcurrentDictionary<string, Counter.Child> _headerMismatches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), Counter.Child> _toolCalls = new();
    private readonly ConcurrentDictionary<(string, string, ToolCallOutcome), (Counter.Child Count, Histogram.Child Duration)> _outcomes = new();

    public McpMetrics(GatewayMetrics metrics) => _metrics = metrics;

    public void SessionOpened(string client, string transport)
    {
        var children = Session(client, transport);
        children.Total.Inc();
        children.Active.Inc();
    }

    public void SessionClosed(string client, string transport, TimeSpan duration)
    {
        var children = Session(client, transport);
        children.Active.Dec();
        children.Duration.Observe(duration.TotalSeconds);
    }

    public void Message(string client, string method, string transport, string protocolVersion)
        => _messages.GetOrAdd((client, method, transport, protocolVersion),
            static (key, m) => m.McpMessagesTotal.WithLabels(key.Item1, key.Item2, key.Item3, key.Item4), _metrics).Inc();

    /// <summary>A message that named its client app (initialize's clientInfo, or a 2026-07-28 request's _meta).</summary>
    public void ClientInfo(string client, string clientVersion, string transport)
        => _clientInfos.GetOrAdd((client, clientVersion, transport),
            static (key, m) => m.McpClientInfoTotal.WithLabels(key.Item1, key.Item2, key.Item3), _metrics).Inc();

    /// <summary>A 2026-07-28 request whose <c>Mcp-Method</c> or <c>Mcp-Name</c> header disagreed with its body.</summary>
    public void HeaderMismatch(string header)
        => _headerMismatches.GetOrAdd(header, static (h, m) => m.McpHeaderMismatchesTotal.WithLabels(h), _metrics).Inc();

    public void ToolCall(string tool, string client)
        => _toolCalls.GetOrAdd((tool, client), static (key, m) => m.McpToolCallsTotal.WithLabels(key.Item1, key.Item2), _metrics).Inc();

    /// <summary>Counts how a tool call ended; outcomes with a meaningful duration also go into the histogram.</summary>
    public void ToolCallEnded(string tool, string client, ToolCallOutcome outcome, TimeSpan? duration)
    {
        var children = _outcomes.GetOrAdd((tool, client, outcome), static (key, m) => (
            m.McpToolCallOutcomesTotal.WithLabels(key.Item1, key.Item2, key.Item3.ToLabel()),
            m.McpToolCallDuration.WithLabels(key.Item1, key.Item2, key.Item3.ToLabel())), _metrics);
        children.Count.Inc();
        if (duration is { } elapsed && outcome.HasDuration())
        {
            children.Duration.Observe(elapsed.TotalSeconds);
        }
    }

    private SessionChildren Session(string client, string transport) => _sessions.GetOrAdd((client, transport), static (k, m) => new SessionChildren(
        m.McpSessionsActive.WithLabels(k.Item1, k.Item2), m.McpSessionsTotal.WithLabels(k.Item1, k.Item2),
        m.McpSessionDuration.WithLabels(k.Item1, k.Item2)), _metrics);

    private sealed record SessionChildren(Gauge.Child Active, Counter.Child Total, Histogram.Child Duration);
}
