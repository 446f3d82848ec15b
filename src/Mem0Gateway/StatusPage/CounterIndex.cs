using System.Collections.Concurrent;

namespace Mem0Gateway.StatusPage;

/// <summary>
/// Gives each <see cref="CounterKey"/> a fixed slot, so a sample is a plain array of doubles and fifteen minutes of
/// history hold no strings of their own. Slots are only ever added (a series that goes away reads as zero).
/// </summary>
internal sealed class CounterIndex
{
    private readonly ConcurrentDictionary<CounterKey, int> _slots = new();
    private readonly object _adding = new();

    public int Count => _slots.Count;

    public int SlotOf(CounterKey key)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            return slot;
        }

        lock (_adding)
        {
            return _slots.GetOrAdd(key, _slots.Count);
        }
    }

    public bool TryGetSlot(CounterKey key, out int slot) => _slots.TryGetValue(key, out slot);

    public IEnumerable<KeyValuePair<CounterKey, int>> Slots => _slots;
}
