using System.Diagnostics;
using Prometheus;

namespace Mem0Gateway.Metrics;

/// <summary>
/// The request, stream, config-reload and shared metric families; feature modules (health, auth, logging) create
/// their own on the same registry. Names and labels are a contract that dashboards, alerts and outside checks rely on
/// (docs/metrics.md). Each gateway instance owns its registry, so two gateways in
/// one process (tests) never share series.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>5 ms to 2 min: cache hits and gets sit at the bottom, mem0's LLM-backed add and search in the seconds.</summary>
    public static readonly double[] RequestDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

    /// <summary>Time to the first byte of an event stream: headers come back fast unless the upstream is struggling.</summary>
    public static readonly double[] StreamTimeToFirstByteBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Lifetime of an event stream (an MCP session): seconds to a day.</summary>
    public static readonly double[] StreamDurationBuckets = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400];

    /// <summary>MCP tool calls: OpenMemory's tools answer in milliseconds (list) to tens of seconds (LLM-backed add); 300 s is the default correlation timeout.</summary>
    /// <summary>The OpenTelemetry MCP conventions' boundaries for <c>mcp.server.operation.duration</c>.</summary>
    public static readonly double[] McpToolCallDurationBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private static readonly Exemplar.LabelKey TraceIdKey = Exemplar.Key("trace_id");
    private static readonly Exemplar.LabelKey SpanIdKey = Exemplar.Key("span_id");

    public GatewayMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);

        RequestsTotal = factory.CreateCounter(
            "mem0_gateway_requests_total",
            "Requests handled on the proxy ports, by route, mem0 operation, method and the status the client saw (499: client went away).",
            new CounterConfiguration
            {
                LabelNames = ["service", "route", "operation", "method", "status_code"],
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        RequestDuration = factory.CreateHistogram(
            "mem0_gateway_request_duration_seconds",
            "Time from receiving a request to the end of its response, event streams excluded.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "route", "operation", "method"],
                Buckets = RequestDurationBuckets,
                ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = SampledTraceExemplar },
            });

        RequestsInFlight = factory.CreateGauge(
            "mem0_gateway_requests_in_flight",
            "Requests being handled right now, open event streams included.",
            new GaugeConfiguration { LabelNames = ["service"] });

        UpstreamErrorsTotal = factory.CreateCounter(
            "mem0_gateway_upstream_errors_total",
            "Requests that did not get a normal upstream answer, by cause and by who failed (blame: client, gateway, upstream_transport, upstream_application, timeout; see the README).",
            new CounterConfiguration
            {
                LabelNames = ["service", "route", "error", "blame"],
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        ResponsesBrokenTotal = factory.CreateCounter(
            "mem0_gateway_responses_broken_total",
            "Responses that failed after their headers were sent (upstream reset or truncation, an event stream dying mid-way); client aborts excluded.",
            new CounterConfiguration
            {
                LabelNames = ["service", "route", "operation", "error"],
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        StreamTimeToFirstByte = factory.CreateHistogram(
            "mem0_gateway_stream_time_to_first_byte_seconds",
            "For text/event-stream responses: time from the request to the response headers, sent as soon as the upstream sends its own.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "route", "operation"],
                Buckets = StreamTimeToFirstByteBuckets,
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        StreamDuration = factory.CreateHistogram(
            "mem0_gateway_stream_duration_seconds",
            "For text/event-stream responses: how long the stream stayed open.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "route", "operation"],
                Buckets = StreamDurationBuckets,
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        ConfigReloadsTotal = factory.CreateCounter(
            "mem0_gateway_config_reloads_total",
            "Reloads of the proxy config after yarp.json changed (failure: the edit was rejected and the last good config stays live).",
            new CounterConfiguration
            {
                LabelNames = ["result"],
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        ConfigLastReloadSuccessful = factory.CreateGauge(
            "mem0_gateway_config_last_reload_successful",
            "1 while the config file's last version was loaded, 0 while its latest edit is rejected (the last good config stays live).");

        // --- User activity and MCP. Label values are bounded: service/window from config, client/tool/method
        // through allow-lists, outcome from a fixed set. No user id, session id or memory text is ever a label.
        ActiveUsers = factory.CreateGauge(
            "mem0_gateway_active_users",
            "Estimated distinct mem0 users that made a request in the window, seen by THIS replica only: never sum across replicas (HyperLogLog over keyed hashes; see the README for the error bound; cluster-wide: mem0_gateway_active_users_cluster).",
            new GaugeConfiguration { LabelNames = ["service", "window"] });

        ActiveUsersCluster = factory.CreateGauge(
            "mem0_gateway_active_users_cluster",
            "Estimated distinct mem0 users over all replicas (Redis HyperLogLog); every replica reports the same value, so aggregate with max, never sum. While Redis is unreachable: this replica's own estimate (see mem0_gateway_active_users_store_up).",
            new GaugeConfiguration { LabelNames = ["service", "window"] });

        ActiveUsersStoreUp = factory.CreateGauge(
            "mem0_gateway_active_users_store_up",
            "1 while the shared active-user store (Redis) answers, 0 while it does not and the cluster count falls back to this replica's estimate. Absent when no store is configured.",
            new GaugeConfiguration { SuppressInitialValue = true });

        McpSessionsActive = factory.CreateGauge(
            "mem0_gateway_mcp_sessions_active",
            "Open MCP sessions (2024 SSE streams, Streamable HTTP sessions with an Mcp-Session-Id), by client app and transport.",
            new GaugeConfiguration { LabelNames = ["client", "transport"] });

        McpSessionsTotal = factory.CreateCounter(
            "mem0_gateway_mcp_sessions_total",
            "MCP sessions opened, by client app and transport.",
            new CounterConfiguration { LabelNames = ["client", "transport"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });

        McpSessionDuration = factory.CreateHistogram(
            "mem0_gateway_mcp_session_duration_seconds",
            "How long MCP sessions lasted (a stream's life; a Streamable HTTP session up to DELETE, 404 or its last use before idling out), by client app and transport.",
            new HistogramConfiguration
            {
                LabelNames = ["client", "transport"],
                Buckets = StreamDurationBuckets,
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        McpMessagesTotal = factory.CreateCounter(
            "mem0_gateway_mcp_messages_total",
            "JSON-RPC messages clients sent over MCP, by client app, method (unparsed: body not readable as JSON-RPC), transport and MCP-Protocol-Version.",
            new CounterConfiguration { LabelNames = ["client", "method", "transport", "protocol_version"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });

        McpClientInfoTotal = factory.CreateCounter(
            "mem0_gateway_mcp_client_info_total",
            "MCP messages that named their client (initialize's clientInfo, a 2026-07-28 request's _meta), by allow-listed client app and version.",
            new CounterConfiguration { LabelNames = ["client", "client_version", "transport"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });

        McpHeaderMismatchesTotal = factory.CreateCounter(
            "mem0_gateway_mcp_header_mismatches_total",
            "2026-07-28 MCP requests whose Mcp-Method or Mcp-Name header disagreed with the body (the body is what is counted).",
            new CounterConfiguration { LabelNames = ["header"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });

        McpToolCallsTotal = factory.CreateCounter(
            "mem0_gateway_mcp_tool_calls_total",
            "MCP tools/call messages, by tool and client app.",
            new CounterConfiguration { LabelNames = ["tool", "client"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });

        McpToolCallDuration = factory.CreateHistogram(
            "mem0_gateway_mcp_tool_call_duration_seconds",
            "Time from an MCP tools/call to its result (on the SSE stream or in the HTTP response), by tool, client app and outcome.",
            new HistogramConfiguration
            {
                LabelNames = ["tool", "client", "outcome"],
                Buckets = McpToolCallDurationBuckets,
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });

        McpToolCallOutcomesTotal = factory.CreateCounter(
            "mem0_gateway_mcp_tool_call_outcomes_total",
            "How MCP tool calls ended: result, error (JSON-RPC error), tool_error (an \"Error...\" result), timeout, abandoned (stream closed first), uncorrelated (result not observable).",
            new CounterConfiguration { LabelNames = ["tool", "client", "outcome"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });
    }

    public CollectorRegistry Registry { get; }

    public Counter RequestsTotal { get; }

    public Histogram RequestDuration { get; }

    public Gauge RequestsInFlight { get; }

    public Counter UpstreamErrorsTotal { get; }

    public Counter ResponsesBrokenTotal { get; }

    public Histogram StreamTimeToFirstByte { get; }

    public Histogram StreamDuration { get; }

    public Counter ConfigReloadsTotal { get; }

    public Gauge ConfigLastReloadSuccessful { get; }

    public Gauge ActiveUsers { get; }

    public Gauge ActiveUsersCluster { get; }

    public Gauge ActiveUsersStoreUp { get; }

    public Gauge McpSessionsActive { get; }

    public Counter McpSessionsTotal { get; }

    public Histogram McpSessionDuration { get; }

    public Counter McpMessagesTotal { get; }

    public Counter McpClientInfoTotal { get; }

    public Counter McpHeaderMismatchesTotal { get; }

    public Counter McpToolCallsTotal { get; }

    public Histogram McpToolCallDuration { get; }

    public Counter McpToolCallOutcomesTotal { get; }

    /// <summary>Exemplars only for traces that were sampled, so every exemplar leads to a trace that exists in Jaeger.</summary>
    private static Exemplar SampledTraceExemplar(Collector metric, double value)
    {
        var activity = Activity.Current;
        if (activity is null || !activity.Recorded)
        {
            return Exemplar.None;
        }

        return Exemplar.From(TraceIdKey.WithValue(activity.TraceId.ToHexString()), SpanIdKey.WithValue(activity.SpanId.ToHexString()));
    }
}
