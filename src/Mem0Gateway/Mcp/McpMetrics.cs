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
    private readonly ConcurrentDictionary<string, SessionChildren> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), Counter.Child> _messages = new();
    private readonly ConcurrentDictionary<(string, string), Counter.Child> _toolCalls = new();
    private readonly ConcurrentDictionary<(string, string, ToolCallOutcome), (Counter.Child Count, Histogram.Child Duration)> _outcomes = new();

    public McpMetrics(GatewayMetrics metrics) => _metrics = metrics;

    public void SessionOpened(string client)
    {
        var children = Session(client);
        children.Total.Inc();
        children.Active.Inc();
    }

    public void SessionClosed(string client, TimeSpan duration)
    {
        var children = Session(client);
        children.Active.Dec();
        children.Duration.Observe(duration.TotalSeconds);
    }

    public void Message(string client, string method)
        => _messages.GetOrAdd((client, method), static (key, m) => m.McpMessagesTotal.WithLabels(key.Item1, key.Item2), _metrics).Inc();

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

    private SessionChildren Session(string client) => _sessions.GetOrAdd(client, static (c, m) => new SessionChildren(
        m.McpSessionsActive.WithLabels(c), m.McpSessionsTotal.WithLabels(c), m.McpSessionDuration.WithLabels(c)), _metrics);

    private sealed record SessionChildren(Gauge.Child Active, Counter.Child Total, Histogram.Child Duration);
}
