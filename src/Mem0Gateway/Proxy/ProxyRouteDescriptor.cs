using Mem0Gateway.Metrics;

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

    /// <summary>Cached metric children of this route; null when metrics are switched off.</summary>
    public RouteMetrics? Metrics { get; internal set; }

    public static ProxyRouteDescriptor Unmatched(string service, int listenerPort)
        => new(UnmatchedRouteId, service, UnmatchedOperation, string.Empty, isStreaming: false, listenerPort);
}
