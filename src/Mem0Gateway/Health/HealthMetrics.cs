using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.Health;

/// <summary>Upstream health's metric families, created on the gateway's registry (names are a contract: docs/metrics.md).</summary>
public sealed class HealthMetrics
{
    /// <summary>Active health probes: a few ms on loopback, up to the probe timeout (default 5 s) when a host is silent.</summary>
    public static readonly double[] ProbeDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public HealthMetrics(CollectorRegistry registry)
    {
        var factory = GatewayMetricFactory.For(registry);

        UpstreamUp = factory.CreateGauge(
            "mem0_gateway_upstream_up",
            "1 while a destination may receive traffic (neither active nor passive health marks it unhealthy), 0 otherwise.",
            new GaugeConfiguration { LabelNames = ["service", "destination"] });

        HealthChecksTotal = factory.CreateCounter(
            "mem0_gateway_health_checks_total",
            "Active health probes sent to upstream destinations, by result (healthy: 2xx answer; unhealthy: anything else or no answer).",
            new CounterConfiguration
            {
                LabelNames = ["service", "destination", "result"],
            });

        HealthCheckDuration = factory.CreateHistogram(
            "mem0_gateway_health_check_duration_seconds",
            "Time an active health probe took, up to its answer's headers or its failure.",
            new HistogramConfiguration
            {
                LabelNames = ["service", "destination"],
                Buckets = ProbeDurationBuckets,
            });
    }

    public Gauge UpstreamUp { get; }

    public Counter HealthChecksTotal { get; }

    public Histogram HealthCheckDuration { get; }
}
