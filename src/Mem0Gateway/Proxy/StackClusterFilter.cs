using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Empties the clusters of services that belong to a stack not run (<c>Gateway:Stack</c>): no destination means no
/// probe, no <c>upstream_up</c> series and no health entry, so an absent stack is never reported unhealthy.
/// </summary>
internal sealed class StackClusterFilter : IProxyConfigFilter
{
    private readonly GatewayOptions _gateway;

    public StackClusterFilter(IOptions<GatewayOptions> gateway) => _gateway = gateway.Value;

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (!_gateway.Services.ContainsKey(cluster.ClusterId) || _gateway.Runs(cluster.ClusterId))
        {
            return ValueTask.FromResult(cluster);
        }

        return ValueTask.FromResult(cluster with
        {
            Destinations = new Dictionary<string, DestinationConfig>(),
            HealthCheck = null,
        });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
        => ValueTask.FromResult(route);
}
