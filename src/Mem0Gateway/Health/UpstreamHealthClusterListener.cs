using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>Drops the health series of a cluster removed from yarp.json.</summary>
internal sealed class UpstreamHealthClusterListener : IClusterChangeListener
{
    private readonly UpstreamHealthRegistry _registry;

    public UpstreamHealthClusterListener(UpstreamHealthRegistry registry) => _registry = registry;

    public void OnClusterAdded(ClusterState cluster)
    {
    }

    public void OnClusterChanged(ClusterState cluster)
    {
    }

    public void OnClusterRemoved(ClusterState cluster) => _registry.RemoveCluster(cluster.ClusterId);
}
