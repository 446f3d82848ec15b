using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>Wraps YARP's probe request factory so each probe request can be timed by <see cref="ProbeTimingInvoker"/>.</summary>
internal sealed class TimedProbingRequestFactory : IProbingRequestFactory
{
    private readonly IProbingRequestFactory _inner;
    private readonly ProbeTimings _timings;

    public TimedProbingRequestFactory(IProbingRequestFactory inner, ProbeTimings timings)
    {
        _inner = inner;
        _timings = timings;
    }

    public HttpRequestMessage CreateRequest(ClusterModel cluster, DestinationModel destination)
    {
        var request = _inner.CreateRequest(cluster, destination);
        _timings.Register(destination, request);
        return request;
    }
}
