namespace Mem0Gateway.StatusPage;

/// <summary>What the sampler has followed of one destination: since when it is up or down, and its last probe.</summary>
internal sealed class DestinationTrack
{
    public bool Up { get; set; }

    public DateTimeOffset Since { get; set; }

    public double HealthyProbes { get; set; }

    public double UnhealthyProbes { get; set; }

    public double ProbeSeconds { get; set; }

    public double ProbeCount { get; set; }

    /// <summary>"healthy" or "unhealthy"; null before the first probe.</summary>
    public string? LastProbeResult { get; set; }

    /// <summary>The tick that saw the last probe (probes are seen at sampler resolution).</summary>
    public DateTimeOffset? LastProbeSeenAt { get; set; }

    /// <summary>Mean duration of the probes seen in that tick (normally exactly one).</summary>
    public double? LastProbeSeconds { get; set; }
}
