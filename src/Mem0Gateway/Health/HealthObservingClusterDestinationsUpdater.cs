using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// YARP rebuilds a cluster's available destinations after every health change (active, passive, passive
/// reactivation) and every config change; watching those rebuilds sees each change exactly when traffic sees it.
/// </summary>
internal sealed class HealthObservingClusterDestinationsUpdater : IClusterDestinationsUpdater
{
    private readonly IClusterDestinationsUpdater _inner;
    private readonly UpstreamHealthRegistry _registry;

    public HealthObservingClusterDestinationsUpdater(IClusterDestinationsUpdater inner, UpstreamHealthRegistry registry)
    {
        _inner = inner;
        _registry = registry;
    }

    public void UpdateAvailableDestinations(ClusterState cluster)
    {
        _inner.UpdateAvailableDestinations(cluster);
        _registry.Reconcile(cluster);
    }

    public void UpdateAllDestinations(ClusterState cluster)
    {
        _inner.UpdateAllDestinations(cluster);
        _registry.Reconcile(cluster);
    }
}
