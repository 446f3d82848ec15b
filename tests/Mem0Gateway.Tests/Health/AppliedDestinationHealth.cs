using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Tests.Health;

/// <summary>Applies what a health policy decides to the destination at once, as YARP's updater does, so the next call sees it.</summary>
internal sealed class AppliedDestinationHealth : IDestinationHealthUpdater
{
    public void SetActive(ClusterState cluster, IEnumerable<NewActiveDestinationHealth> newHealthPairs)
    {
        foreach (var pair in newHealthPairs)
        {
            pair.Destination.Health.Active = pair.NewActiveHealth;
        }
    }

    public void SetPassive(ClusterState cluster, DestinationState destination, DestinationHealth newHealth, TimeSpan reactivationPeriod)
        => destination.Health.Passive = newHealth;
}
