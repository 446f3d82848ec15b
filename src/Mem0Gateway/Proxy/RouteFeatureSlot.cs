namespace Mem0Gateway.Proxy;

/// <summary>
/// A place on every <see cref="ProxyRouteDescriptor"/> that one feature owns for its per-route cache (a module's metric
/// children, say), so the proxy carries what features attach without knowing any of them. Create one per feature, once.
/// </summary>
public sealed class RouteFeatureSlot<T>
    where T : class
{
    public RouteFeatureSlot() => Index = RouteFeatureSlots.Allocate();

    internal int Index { get; }
}

internal static class RouteFeatureSlots
{
    private static int _count;

    public static int Allocate() => Interlocked.Increment(ref _count) - 1;
}
