using Mem0Gateway.Proxy;

namespace Mem0Gateway.Tracing;

/// <summary>
/// What every SERVER span of one route shares, prepared once per route instead of once per request: its names,
/// "{METHOD} {route template}" as the HTTP conventions name them, and its listener port as a tag value.
/// </summary>
internal sealed class RouteSpanFacts
{
    private readonly ProxyRouteDescriptor _route;
    private readonly string?[] _names = new string?[HttpMethodLabels.Count];

    public RouteSpanFacts(ProxyRouteDescriptor route)
    {
        _route = route;
        ListenerPort = route.ListenerPort;
    }

    /// <summary>The port the route listens on, boxed once: a Host header with a port nearly always names it.</summary>
    public object ListenerPort { get; }

    public string NameOf(HttpMethodLabel method) => _names[(int)method] ??= FormatName(method);

    private string FormatName(HttpMethodLabel method)
    {
        // An unknown method is named "HTTP", and a request no route matched gets no template: the conventions forbid
        // a raw path in the name.
        var verb = HttpSpanConventions.VerbOf(method);
        return _route.IsProxied && !string.IsNullOrEmpty(_route.Template) ? $"{verb} {_route.Template}" : verb;
    }
}
