using System.Numerics;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// A HyperLogLog sketch of 64-bit hashes: 2^p one-byte registers, a relative standard error of 1.04/sqrt(2^p)
/// (p=14: 16 KiB, 0.81%). Adds are lock-free; the estimate uses Ertl's improved estimator ("New cardinality estimation
/// algorithms for HyperLogLog sketches", 2017), which needs no bias tables and stays accurate from 0 to billions.
/// </summary>
public sealed class HyperLogLog
{
    public const int MinPrecision = 4;
    public const int MaxPrecision = 18;

    private readonly byte[] _registers;

    public HyperLogLog(int precision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, MinPrecision);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, MaxPrecision);
        Precision = precision;
        _registers = new byte[1 << precision];
    }

    public int Precision { get; }

    /// <summary>The relative standard error of the estimate for a precision.</summary>
    public static double StandardError(int precision) => 1.04 / Math.Sqrt(1 << precision);

    public void Add(ulong hash)
    {
        var index = (int)(hash >> (64 - Precision));
        // The sentinel bit caps the rank at 65 - p, the largest value the estimator expects.
        var rest = (hash << Precision) | (1UL << (Precision - 1));
        var rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        ref var register = ref _registers[index];
        var current = Volatile.Read(ref register);
        while (rank > current)
        {
            var seen = Interlocked.CompareExchange(ref register, rank, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public void Clear() => Array.Clear(_registers);

    /// <summary>Register-wise maximum into <paramref name="target"/>: the sketch of the union.</summary>
    public void MergeInto(byte[] target)
    {
        var source = _registers.AsSpan();
        var destination = target.AsSpan();
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Max(new Vector<byte>(source[i..]), new Vector<byte>(destination[i..])).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = Math.Max(source[i], destination[i]);
        }
    }

    public double Estimate() => Estimate(_registers, Precision);

    /// <summary>Ertl's improved raw estimator over a register array of 2^p registers.</summary>
    public static double Estimate(ReadOnlySpan<byte> registers, int precision)
    {
        var q = 64 - precision;
        var m = 1 << precision;
        Span<int> histogram = stackalloc int[q + 2];
        histogram.Clear();
        foreach (var register in registers)
        {
            histogram[register]++;
        }

        if (histogram[0] == m)
        {
            return 0;
        }

        var z = m * Tau((m - histogram[q + 1]) / (double)m);
        for (var k = q; k >= 1; k--)
        {
            z = 0.5 * (z + histogram[k]);
        }

        z += m * Sigma(histogram[0] / (double)m);
        return m / (2 * Math.Log(2)) * m / z;
    }

    private static double Sigma(double x)
    {
        if (x == 1)
        {
            return double.PositiveInfinity;
        }

        double y = 1, z = x, previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        }
        while (z != previous);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0 || x == 1)
        {
            return 0;
        }

        double y = 1, z = 1 - x, previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= (1 - x) * (1 - x) * y;
        }
        while (z != previous);
        return z / 3;
    }
}
