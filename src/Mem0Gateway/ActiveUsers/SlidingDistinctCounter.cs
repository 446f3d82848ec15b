namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// Distinct hashes seen over sliding windows: per window a ring of per-bucket HyperLogLog sketches, merged when read.
/// Memory is bounded: at most (buckets + 1) sketches per window, allocated on first use and reused as the ring turns
/// (p=14: 44 sketches of 16 KiB for 5m/1h/24h).
/// </summary>
public sealed class SlidingDistinctCounter
{
    private readonly Ring[] _rings;
    private readonly int _precision;

    public SlidingDistinctCounter(int precision, IReadOnlyList<ActiveUserWindow> windows)
    {
        _precision = precision;
        _rings = windows.Select(w => new Ring(w, precision)).ToArray();
    }

    public void Add(ulong hash, DateTimeOffset now)
    {
        foreach (var ring in _rings)
        {
            ring.Add(hash, now);
        }
    }

    /// <summary>Estimated distinct hashes in window <paramref name="index"/> (order of the constructor's list).</summary>
    public double Estimate(int index, DateTimeOffset now, byte[] scratch)
    {
        Array.Clear(scratch);
        return _rings[index].MergeInto(scratch, now) ? HyperLogLog.Estimate(scratch, _precision) : 0;
    }

    private sealed class Ring
    {
        private readonly long _widthTicks;
        private readonly int _span;
        private readonly int _precision;
        private readonly Bucket[] _buckets;

        public Ring(ActiveUserWindow window, int precision)
        {
            _widthTicks = window.BucketWidth.Ticks;
            _span = window.Buckets;
            _precision = precision;
            _buckets = new Bucket[window.Buckets + 1];
            for (var i = 0; i < _buckets.Length; i++)
            {
                _buckets[i] = new Bucket();
            }
        }

        public void Add(ulong hash, DateTimeOffset now)
        {
            var number = now.UtcTicks / _widthTicks;
            var bucket = _buckets[number % _buckets.Length];
            if (Volatile.Read(ref bucket.Number) != number)
            {
                Turn(bucket, number);
            }

            bucket.Sketch!.Add(hash);
        }

        public bool MergeInto(byte[] target, DateTimeOffset now)
        {
            var current = now.UtcTicks / _widthTicks;
            var any = false;
            foreach (var bucket in _buckets)
            {
                lock (bucket)
                {
                    if (bucket.Sketch is { } sketch && bucket.Number >= current - _span && bucket.Number <= current)
                    {
                        sketch.MergeInto(target);
                        any = true;
                    }
                }
            }

            return any;
        }

        private void Turn(Bucket bucket, long number)
        {
            lock (bucket)
            {
                if (bucket.Number == number)
                {
                    return;
                }

                if (bucket.Sketch is null)
                {
                    bucket.Sketch = new HyperLogLog(_precision);
                }
                else
                {
                    // The slot last held a bucket that has left every window: reuse its memory.
                    bucket.Sketch.Clear();
                }

                Volatile.Write(ref bucket.Number, number);
            }
        }
    }

    private sealed class Bucket
    {
        public long Number = -1;
        public HyperLogLog? Sketch;
    }
}
