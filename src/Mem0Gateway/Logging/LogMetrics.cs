using Prometheus;

namespace Mem0Gateway.Logging;

/// <summary>The logging module's metric family, created on the gateway's registry (names are a contract: docs/metrics.md).</summary>
public sealed class LogMetrics
{
    public LogMetrics(CollectorRegistry registry)
    {
        EventsDropped = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter(
            "mem0_gateway_log_events_dropped_total",
            "Log lines (events and access-log entries) dropped because the log output could not keep up and the bounded queue was full.",
            new CounterConfiguration { ExemplarBehavior = ExemplarBehavior.NoExemplars() });
    }

    public Counter EventsDropped { get; }
}
