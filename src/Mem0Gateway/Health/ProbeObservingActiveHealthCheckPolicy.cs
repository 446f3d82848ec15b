using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// Wraps each active health policy (YARP's and ours) to record every probe's result and duration before the policy
/// decides the destination's health; the decision itself is left to the wrapped policy.
/// </summary>
internal sealed class ProbeObservingActiveHealthCheckPolicy : IActiveHealthCheckPolicy
{
    private readonly IActiveHealthCheckPolicy _inner;
    private readonly UpstreamHealthRegistry _registry;
    private readonly ProbeDurationListener _durations;

    public ProbeObservingActiveHealthCheckPolicy(IActiveHealthCheckPolicy inner, UpstreamHealthRegistry registry, ProbeDurationListener durations)
    {
        _inner = inner;
        _registry = registry;
        _durations = durations;
    }

    public string Name => _inner.Name;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        foreach (var result in probingResults)
        {
            _registry.RecordProbe(cluster, result, _durations.DurationInCurrentRound(result.Destination.DestinationId));
        }

        _inner.ProbingCompleted(cluster, probingResults);
    }
}
