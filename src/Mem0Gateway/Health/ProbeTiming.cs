using System.Diagnostics;

namespace Mem0Gateway.Health;

/// <summary>How long one active health probe took on the wire, measured around the cluster's HTTP handler.</summary>
internal sealed class ProbeTiming
{
    private long _elapsedTicks = -1;

    /// <summary>Null until the probe got its answer's headers or failed.</summary>
    public TimeSpan? Elapsed => Volatile.Read(ref _elapsedTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    public void Complete(long startTimestamp) => Volatile.Write(ref _elapsedTicks, Stopwatch.GetElapsedTime(startTimestamp).Ticks);
}
