using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.Logging;

/// <summary>The logging module's metric family, created on the gateway's registry (names are a contract: docs/metrics.md).</summary>
public sealed class LogMetrics
{
    public LogMetrics(CollectorRegistry registry)
    {
        EventsDropped = GatewayMetricFactory.For(registry).CreateCounter(
            "mem0_gateway_log_events_dropped_total",
            "Log lines (events and access-log entries) dropped because the log output could not keep up and the bounded queue was full.");
    }

    public Counter EventsDropped { get; }
}
