using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Health;

/// <summary>
/// YARP's cluster HTTP client with <see cref="ProbeTimingHandler"/> on top: active probes go through the cluster's
/// client, and this is the only place that sees when one is sent and when its answer arrives.
/// </summary>
internal sealed class ProbeTimingForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    private readonly ProbeTimings _timings;

    public ProbeTimingForwarderHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, ProbeTimings timings)
        : base(logger) => _timings = timings;

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
        => new ProbeTimingHandler(_timings, base.WrapHandler(context, handler));
}
