using Yarp.ReverseProxy.Configuration;

namespace Mem0Gateway.Proxy;

/// <summary>Builds the descriptor YARP attaches to each route's endpoint, from yarp.json and nothing else.</summary>
internal sealed partial class ProxyRouteDescriptorFactory
{
    private readonly ServiceListenerMap _listeners;
    private readonly ILogger<ProxyRouteDescriptorFactory> _logger;
    private readonly Configuration.GatewayOptions _gateway;

    public ProxyRouteDescriptorFactory(
        ServiceListenerMap listeners,
        Microsoft.Extensions.Options.IOptions<Configuration.GatewayOptions> gateway,
        ILogger<ProxyRouteDescriptorFactory> logger)
    {
        _listeners = listeners;
        _gateway = gateway.Value;
        _logger = logger;
    }

    public ProxyRouteDescriptor Create(RouteConfig route)
    {
        var service = route.ClusterId ?? string.Empty;
        var operation = route.Metadata?.GetValueOrDefault(RouteMetadataKeys.Operation) is { Length: > 0 } op
            ? op
            : ProxyRouteDescriptor.DefaultOperation;
        var streaming = route.Metadata?.GetValueOrDefault(RouteMetadataKeys.Streaming) is { } flag
            && bool.TryParse(flag, out var isStreaming) && isStreaming;
        var port = _listeners.PortOf(service);
        // A service of a stack that is not run has no listener on purpose.
        if (port == 0 && !_gateway.Services.ContainsKey(service))
        {
            Log.RouteWithoutListener(_logger, route.RouteId, service);
        }

        return new ProxyRouteDescriptor(route.RouteId, service, operation, route.Match.Path ?? string.Empty, streaming, port)
        {
            Mcp = route.Metadata?.GetValueOrDefault(RouteMetadataKeys.Mcp) is { Length: > 0 } mcp ? mcp : null,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.RouteWithoutListener, Level = LogLevel.Warning,
            Message = "Route {RouteId} belongs to cluster {ClusterId}, which has no listener in Gateway:Services; it cannot be reached.")]
        public static partial void RouteWithoutListener(ILogger logger, string routeId, string clusterId);
    }
}
