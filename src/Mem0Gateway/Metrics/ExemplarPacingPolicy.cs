namespace Mem0Gateway.Metrics;

/// <summary>
/// Decides whether a histogram observation carries an exemplar. Prometheus keeps one exemplar per bucket and reads it
/// once per scrape, so replacing it on every request buys nothing and costs a trace and span id pair, a pooled exemplar
/// and a swap per request. Each bucket is paced on its own, at most one new exemplar per <see cref="Interval"/>: the
/// rare slow buckets, the ones worth clicking through to a trace, keep getting theirs however busy the fast ones are.
/// </summary>
internal sealed class ExemplarPacingPolicy
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly double[] _upperBounds;
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;

    // Per bucket (+Inf last), the timestamp from which the next exemplar may be recorded. Races between requests are
    // harmless: at worst two exemplars are recorded in one interval.
    private readonly long[] _nextAllowed;

    public ExemplarPacingPolicy(double[] upperBounds, TimeProvider time)
    {
        _upperBounds = upperBounds;
        _time = time;
        _intervalTicks = (long)(Interval.TotalSeconds * time.TimestampFrequency);
        _nextAllowed = new long[upperBounds.Length + 1];
        Array.Fill(_nextAllowed, long.MinValue);
    }

    public bool Allows(double value)
    {
        var bucket = 0;
        while (bucket < _upperBounds.Length && value > _upperBounds[bucket])
        {
            bucket++;
        }

        var now = _time.GetTimestamp();
        ref var nextAllowed = ref _nextAllowed[bucket];
        if (now < Volatile.Read(ref nextAllowed))
        {
            return false;
        }

        Volatile.Write(ref nextAllowed, now + _intervalTicks);
        return true;
    }
}
