using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// Links the probe requests YARP creates to their timings: the request factory registers each probe, the cluster's
/// client times it, and the probe observer reads the latest timing per destination. Weak tables: nothing to clean up.
/// </summary>
internal sealed class ProbeTimings
{
    private readonly ConditionalWeakTable<HttpRequestMessage, ProbeTiming> _byRequest = new();
    private readonly ConditionalWeakTable<DestinationModel, ProbeTiming> _latestByDestination = new();

    public void Register(DestinationModel destination, HttpRequestMessage request)
    {
        var timing = new ProbeTiming();
        _byRequest.AddOrUpdate(request, timing);
        _latestByDestination.AddOrUpdate(destination, timing);
    }

    /// <summary>Cheap for proxied requests (a weak-table miss), so the check can sit on the forwarding path.</summary>
    public bool TryGet(HttpRequestMessage request, out ProbeTiming? timing) => _byRequest.TryGetValue(request, out timing);

    public TimeSpan? LatestElapsed(DestinationModel destination)
        => _latestByDestination.TryGetValue(destination, out var timing) ? timing.Elapsed : null;
}
