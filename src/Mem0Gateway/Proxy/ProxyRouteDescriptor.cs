namespace Mem0Gateway.Proxy;

/// <summary>
/// What the gateway knows about a route, attached once to its endpoint when YARP builds it (and again on every reload),
/// so nothing is looked up or formatted per request. Route id, service and operation only ever come from config.
/// </summary>
public sealed class ProxyRouteDescriptor : IListenerPortMetadata
{
    public const string UnmatchedRouteId = "unmatched";
    public const string UnmatchedOperation = "none";
    public const string DefaultOperation = "other";

    private readonly Lock _slotsLock = new();
    private object?[] _slots = [];

    public ProxyRouteDescriptor(string routeId, string service, string operation, string template, bool isStreaming, int listenerPort)
    {
        RouteId = routeId;
        Service = service;
        Operation = operation;
        Template = template;
        IsStreaming = isStreaming;
        ListenerPort = listenerPort;
    }

    /// <summary>The YARP route id: the <c>route</c> label.</summary>
    public string RouteId { get; }

    /// <summary>The YARP cluster id: the <c>service</c> label.</summary>
    public string Service { get; }

    /// <summary>The mem0 operation from the route's <c>Operation</c> metadata.</summary>
    public string Operation { get; }

    /// <summary>The route's path template, for span names and <c>http.route</c>.</summary>
    public string Template { get; }

    /// <summary>Declared in config as a long-lived stream (MCP SSE): no request timeout, stream metrics.</summary>
    public bool IsStreaming { get; }

    public int ListenerPort { get; }

    /// <summary>The route's <c>Mcp</c> metadata (what kind of MCP endpoint it is), or null for a route that is not one.</summary>
    public string? Mcp { get; init; }

    /// <summary>False for the pseudo-route that stands for "no route matched".</summary>
    public bool IsProxied => !ReferenceEquals(RouteId, UnmatchedRouteId);

    /// <summary>
    /// What the feature owning <paramref name="slot"/> keeps for this route, created by <paramref name="create"/> on
    /// first use. After that a read is an array index: no lookup, no allocation.
    /// </summary>
    public T GetOrAdd<T, TState>(RouteFeatureSlot<T> slot, TState state, Func<ProxyRouteDescriptor, TState, T> create)
        where T : class
    {
        var slots = _slots;
        return (uint)slot.Index < (uint)slots.Length && slots[slot.Index] is T value ? value : Add(slot, state, create);
    }

    private T Add<T, TState>(RouteFeatureSlot<T> slot, TState state, Func<ProxyRouteDescriptor, TState, T> create)
        where T : class
    {
        lock (_slotsLock)
        {
            var slots = _slots;
            if ((uint)slot.Index < (uint)slots.Length && slots[slot.Index] is T existing)
            {
                return existing;
            }

            var grown = new object?[Math.Max(slots.Length, slot.Index + 1)];
            slots.CopyTo(grown, 0);
            var value = create(this, state);
            grown[slot.Index] = value;
            // Copy-on-write: a reader sees the old array or the complete new one.
            Volatile.Write(ref _slots, grown);
            return value;
        }
    }

    public static ProxyRouteDescriptor Unmatched(string service, int listenerPort)
        => new(UnmatchedRouteId, service, UnmatchedOperation, string.Empty, isStreaming: false, listenerPort);
}
