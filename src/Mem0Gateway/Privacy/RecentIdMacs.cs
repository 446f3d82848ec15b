namespace Mem0Gateway.Privacy;

/// <summary>
/// The keyed hashes of recently seen ids. One user (or MCP session) sends many requests, and the HMAC costs more than
/// everything else the access log, spans and the active-user sketch do with an id; a hit also returns the same token
/// string, so nothing is allocated. Direct-mapped and fixed in size: a slot holds the last id that hashed to it, so
/// many distinct ids only cost misses, never memory. Ids live here only in process memory, as they do in the request.
/// </summary>
internal sealed class RecentIdMacs
{
    /// <summary>Longer ids are hashed every time: an id is short, and a slot must stay small.</summary>
    public const int MaxIdLength = 128;

    private readonly Entry?[] _slots;
    private readonly int _mask;

    public RecentIdMacs(int slots)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "must be a positive power of two");
        }

        _slots = new Entry?[slots];
        _mask = slots - 1;
    }

    public Entry? Find(ReadOnlySpan<char> id)
    {
        if (id.Length > MaxIdLength)
        {
            return null;
        }

        // Slots are replaced whole, so a reader sees an old entry or a new one, never half of each.
        var entry = Volatile.Read(ref _slots[SlotOf(id)]);
        return entry is not null && id.SequenceEqual(entry.Id) ? entry : null;
    }

    public void Add(Entry entry)
    {
        if (entry.Id.Length <= MaxIdLength)
        {
            Volatile.Write(ref _slots[SlotOf(entry.Id)], entry);
        }
    }

    // string.GetHashCode is seeded per process, so nobody outside can aim many ids at one slot on purpose.
    private int SlotOf(ReadOnlySpan<char> id) => string.GetHashCode(id) & _mask;

    /// <summary>An id, its 64-bit keyed hash and the token written in its place.</summary>
    public sealed record Entry(string Id, ulong Hash, string Token);
}
