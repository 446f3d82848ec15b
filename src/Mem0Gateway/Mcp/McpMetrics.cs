using System.Collections.Concurrent;
using Mem0Gateway.Proxy;
using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.Mcp;

/// <summary>
/// The MCP metric families, created on the gateway's registry (names are a contract: docs/metrics.md), with label
/// children cached per (bounded) label set so a message costs dictionary lookups, not label-array allocations. Label
/// values are bounded: client/tool/method through allow-lists, outcome from a fixed set; no user id, session id or
/// memory text is ever a label.
/// </summary>
public sealed class McpMetrics
{
    /// <summary>MCP tool calls: OpenMemory's tools answer in milliseconds (list) to tens of seconds (LLM-backed add); 300 s is
    /// the default correlation timeout. The OpenTelemetry MCP conventions' boundaries for <c>mcp.server.operation.duration</c>.</summary>
    public static readonly double[] ToolCallDurationBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private readonly Gauge _sessionsActive;
    private readonly Counter _sessionsTotal;
    private readonly Histogram _sessionDuration;
    private readonly Counter _messagesTotal;
    private readonly Counter _clientInfoTotal;
    private readonly Counter _headerMismatchesTotal;
    private readonly Counter _toolCallsTotal;
    private readonly Histogram _toolCallDuration;
    private readonly Counter _toolCallOutcomesTotal;
    private readonly ConcurrentDictionary<(string, string), SessionChildren> _sessions = new();
    private readonly ConcurrentDictionary<(string, string, string, string), Counter.Child> _messages = new();
    private readonly ConcurrentDictionary<(string, string, string), Counter.Child> _clientInfos = new();
    private readonly ConcurrentDictionary<string, Counter.Child> _headerMismatches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), Counter.Child> _toolCalls = new();
    private readonly ConcurrentDictionary<(string, string, ToolCallOutcome), (Counter.Child Count, Histogram.Child Duration)> _outcomes = new();

    public McpMetrics(CollectorRegistry registry)
    {
        var factory = GatewayMetricFactory.For(registry);

        _sessionsActive = factory.CreateGauge(
            "mem0_gateway_mcp_sessions_active",
            "Open MCP sessions (2024 SSE streams, Streamable HTTP sessions with an Mcp-Session-Id), by client app and transport.",
            new GaugeConfiguration { LabelNames = ["client", "transport"] });

        _sessionsTotal = factory.CreateCounter(
            "mem0_gateway_mcp_sessions_total",
            "MCP sessions opened, by client app and transport.",
            new CounterConfiguration { LabelNames = ["client", "transport"] });

        _sessionDuration = factory.CreateHistogram(
            "mem0_gateway_mcp_session_duration_seconds",
            "How long MCP sessions lasted (a stream's life; a Streamable HTTP session up to DELETE, 404 or its last use before idling out), by client app and transport.",
            new HistogramConfiguration
            {
                LabelNames = ["client", "transport"],
                Buckets = EventStreamBuckets.Duration,
            });

        _messagesTotal = factory.CreateCounter(
            "mem0_gateway_mcp_messages_total",
            "JSON-RPC messages clients sent over MCP, by client app, method (unparsed: body not readable as JSON-RPC), transport and MCP-Protocol-Version.",
            new CounterConfiguration { LabelNames = ["client", "method", "transport", "protocol_version"] });

        _clientInfoTotal = factory.CreateCounter(
            "mem0_gateway_mcp_client_info_total",
            "MCP messages that named their client (initialize's clientInfo, a 2026-07-28 request's _meta), by allow-listed client app and version.",
            new CounterConfiguration { LabelNames = ["client", "client_version", "transport"] });

        _headerMismatchesTotal = factory.CreateCounter(
            "mem0_gateway_mcp_header_mismatches_total",
            "2026-07-28 MCP requests whose Mcp-Method or Mcp-Name header disagreed with the body (the body is what is counted).",
            new CounterConfiguration { LabelNames = ["header"] });

        _toolCallsTotal = factory.CreateCounter(
            "mem0_gateway_mcp_tool_calls_total",
            "MCP tools/call messages, by tool and client app.",
            new CounterConfiguration { LabelNames = ["tool", "client"] });

        _toolCallDuration = factory.CreateHistogram(
            "mem0_gateway_mcp_tool_call_duration_seconds",
            "Time from an MCP tools/call to its result (on the SSE stream or in the HTTP response), by tool, client app and outcome.",
            new HistogramConfiguration
            {
                LabelNames = ["tool", "client", "outcome"],
                Buckets = ToolCallDurationBuckets,
            });

        _toolCallOutcomesTotal = factory.CreateCounter(
            "mem0_gateway_mcp_tool_call_outcomes_total",
            "How MCP tool calls ended: result, error (JSON-RPC error), tool_error (an \"Error...\" result), timeout, abandoned (stream closed first), uncorrelated (result not observable).",
            new CounterConfiguration { LabelNames = ["tool", "client", "outcome"] });
    }

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
            static (key, m) => m._messagesTotal.WithLabels(key.Item1, key.Item2, key.Item3, key.Item4), this).Inc();

    /// <summary>A message that named its client app (initialize's clientInfo, or a 2026-07-28 request's _meta).</summary>
    public void ClientInfo(string client, string clientVersion, string transport)
        => _clientInfos.GetOrAdd((client, clientVersion, transport),
            static (key, m) => m._clientInfoTotal.WithLabels(key.Item1, key.Item2, key.Item3), this).Inc();

    /// <summary>A 2026-07-28 request whose <c>Mcp-Method</c> or <c>Mcp-Name</c> header disagreed with its body.</summary>
    public void HeaderMismatch(string header)
        => _headerMismatches.GetOrAdd(header, static (h, m) => m._headerMismatchesTotal.WithLabels(h), this).Inc();

    public void ToolCall(string tool, string client)
        => _toolCalls.GetOrAdd((tool, client), static (key, m) => m._toolCallsTotal.WithLabels(key.Item1, key.Item2), this).Inc();

    /// <summary>Counts how a tool call ended; outcomes with a meaningful duration also go into the histogram.</summary>
    public void ToolCallEnded(string tool, string client, ToolCallOutcome outcome, TimeSpan? duration)
    {
        var children = _outcomes.GetOrAdd((tool, client, outcome), static (key, m) => (
            m._toolCallOutcomesTotal.WithLabels(key.Item1, key.Item2, key.Item3.ToLabel()),
            m._toolCallDuration.WithLabels(key.Item1, key.Item2, key.Item3.ToLabel())), this);
        children.Count.Inc();
        if (duration is { } elapsed && outcome.HasDuration())
        {
            children.Duration.Observe(elapsed.TotalSeconds);
        }
    }

    private SessionChildren Session(string client, string transport) => _sessions.GetOrAdd((client, transport), static (k, m) => new SessionChildren(
        m._sessionsActive.WithLabels(k.Item1, k.Item2), m._sessionsTotal.WithLabels(k.Item1, k.Item2),
        m._sessionDuration.WithLabels(k.Item1, k.Item2)), this);

    private sealed record SessionChildren(Gauge.Child Active, Counter.Child Total, Histogram.Child Duration);
}
