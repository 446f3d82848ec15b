using Mem0Gateway.Proxy;
using Prometheus;

namespace Mem0Gateway.Management;

public static class ManagementEndpointRouteBuilderExtensions
{
    /// <summary>Pins an endpoint to the management port: it can never be reached through a proxy port.</summary>
    public static TBuilder OnManagementPort<TBuilder>(this TBuilder builder, IEndpointRouteBuilder endpoints)
        where TBuilder : IEndpointConventionBuilder
    {
        var port = endpoints.ServiceProvider.GetRequiredService<ServiceListenerMap>().Management.Port;
        return builder.WithMetadata(new ListenerPortMetadata(port));
    }

    /// <summary>Requires the management bearer token, when one is configured (Prometheus: <c>authorization.credentials_file</c>).</summary>
    public static TBuilder RequireManagementToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(ManagementTokenRequiredMetadata.Instance);

    /// <summary><c>/metrics</c>: Prometheus text, or OpenMetrics with exemplars when the scraper asks for it.</summary>
    public static IEndpointConventionBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>();
        return endpoints.MapMetrics("/metrics", registry).OnManagementPort(endpoints).RequireManagementToken();
    }
}
