namespace Mem0Gateway.StatusPage;

/// <summary>The cumulative counters at one sampler tick, by <see cref="CounterIndex"/> slot.</summary>
internal sealed class CounterSample
{
    public CounterSample(DateTimeOffset at, double[] values)
    {
        At = at;
        Values = values;
    }

    public DateTimeOffset At { get; }

    public double[] Values { get; }

    /// <summary>A slot added after this sample was taken had not counted anything yet.</summary>
    public double this[int slot] => slot < Values.Length ? Values[slot] : 0;
}
