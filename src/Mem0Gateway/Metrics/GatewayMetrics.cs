using System.Diagnostics;
using Mem0Gateway.Proxy;
using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.Metrics;

/// <summary>
/// The request, stream and config-reload metric families; feature modules (health, auth, logging, active users, MCP)
/// create their own on the same registry. Names and labels are a contract that dashboards, alerts and outside checks
/// rely on (docs/metrics.md). Each gateway instance owns its registry, so two gateways in one process (tests) never
/// share series.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>5 ms to 2 min: cache hits and gets sit at the bottom, mem0's LLM-backed add and search in the seconds.</summary>
    public static readonly double[] RequestDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

    /// <summary>Time to the first byte of an event stream: headers come back fast unless the upstream is struggling.</summary>
    public static readonly double[] StreamTimeToFirstByteBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly Exemplar.LabelKey TraceIdKey = Exemplar.Key("trace_id");
    private static readonly Exemplar.LabelKey SpanIdKey = Exemplar.Key("span_id");

    public GatewayMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = GatewayMetricFactory.For(registry);

        RequestsTotal = factory.CreateCounter(
            "mem0_gateway_requests_total",
            "Requests handled on the proxy ports, by route, mem0 operation, method and the status the client saw (499: client went away).",
            new CounterConfiguration
            {
                LabelNames = ["service", "route", "operation", "method", "status_code"],
            });

        RequestDuration = factory.CreateHistogram(
            "mem0_gateway_request_duration_seconds",
            "Time from receiving a request to the end of its response, event streams excluded.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "route", "operation", "method"],
                Buckets = RequestDurationBuckets,
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
            });

        ResponsesBrokenTotal = factory.CreateCounter(
            "mem0_gateway_responses_broken_total",
            "Responses that failed after their headers were sent (upstream reset or truncation, an event stream dying mid-way); client aborts excluded.",
            new CounterConfiguration
            {
                LabelNames = ["service", "route", "operation", "error"],
            });

        StreamTimeToFirstByte = factory.CreateHistogram(
            "mem0_gateway_stream_time_to_first_byte_seconds",
            "For text/event-stream responses: time from the request to the response headers, sent as soon as the upstream sends its own.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "route", "operation"],
                Buckets = StreamTimeToFirstByteBuckets,
            });

        StreamDuration = factory.CreateHistogram(
            "mem0_gateway_stream_duration_seconds",
            "For text/event-stream responses: how long the stream stayed open.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "route", "operation"],
                Buckets = EventStreamBuckets.Duration,
            });

        ConfigReloadsTotal = factory.CreateCounter(
            "mem0_gateway_config_reloads_total",
            "Reloads of the proxy config after yarp.json changed (failure: the edit was rejected and the last good config stays live).",
            new CounterConfiguration
            {
                LabelNames = ["result"],
            });

        ConfigLastReloadSuccessful = factory.CreateGauge(
            "mem0_gateway_config_last_reload_successful",
            "1 while the config file's last version was loaded, 0 while its latest edit is rejected (the last good config stays live).");
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

    /// <summary>The exemplar that links a request-duration bucket to the request's trace.</summary>
    internal static Exemplar TraceExemplarOf(Activity activity)
        => Exemplar.From(TraceIdKey.WithValue(activity.TraceId.ToHexString()), SpanIdKey.WithValue(activity.SpanId.ToHexString()));
}
