using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Health;

/// <summary>
/// Wraps whichever forwarder client factory is registered (YARP's, or one set up with ConfigureHttpClient), so the
/// cluster clients time active probes: probes go through the cluster's client, the only place that sees when one is
/// sent and when its answer arrives. A decorator rather than a subclass, so other client customisations still apply.
/// </summary>
internal sealed class ProbeTimingForwarderHttpClientFactory : IForwarderHttpClientFactory
{
    private readonly IForwarderHttpClientFactory _inner;
    private readonly ProbeTimings _timings;

    public ProbeTimingForwarderHttpClientFactory(IForwarderHttpClientFactory inner, ProbeTimings timings)
    {
        _inner = inner;
        _timings = timings;
    }

    public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context)
    {
        // Show the inner factory the client it built last time, so its "config unchanged: reuse" check still works.
        var previous = context.OldClient as ProbeTimingInvoker;
        var client = _inner.CreateClient(new ForwarderHttpClientContext
        {
            ClusterId = context.ClusterId,
            OldConfig = context.OldConfig,
            OldMetadata = context.OldMetadata,
            OldClient = previous?.Inner ?? context.OldClient,
            NewConfig = context.NewConfig,
            NewMetadata = context.NewMetadata,
        });
        return previous is not null && ReferenceEquals(client, previous.Inner) ? previous : new ProbeTimingInvoker(client, _timings);
    }
}
