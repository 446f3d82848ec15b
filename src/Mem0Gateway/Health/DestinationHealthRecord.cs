using Prometheus;

namespace Mem0Gateway.Health;

/// <summary>What the gateway knows about one destination's health: its metric series and its last probe.</summary>
internal sealed class DestinationHealthRecord
{
    public DestinationHealthRecord(string service, string destination, HealthMetrics metrics)
    {
        Service = service;
        Destination = destination;
        UpGauge = metrics.UpstreamUp.WithLabels(service, destination);
        HealthyProbes = metrics.HealthChecksTotal.WithLabels(service, destination, "healthy");
        UnhealthyProbes = metrics.HealthChecksTotal.WithLabels(service, destination, "unhealthy");
        ProbeDuration = metrics.HealthCheckDuration.WithLabels(service, destination);
    }

    public string Service { get; }

    public string Destination { get; }

    public Gauge.Child UpGauge { get; }

    public Counter.Child HealthyProbes { get; }

    public Counter.Child UnhealthyProbes { get; }

    public Histogram.Child ProbeDuration { get; }

    /// <summary>Null until first seen; then whether the destination may receive traffic.</summary>
    public bool? IsUp { get; set; }

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset? LastProbeAt { get; set; }

    public TimeSpan? LastProbeDuration { get; set; }

    /// <summary>Why the last probe failed, in words that carry no exception text; null after a healthy probe.</summary>
    public string? LastProbeFailure { get; set; }
}
