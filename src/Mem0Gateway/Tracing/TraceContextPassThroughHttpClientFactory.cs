using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Tracing;

/// <summary>
/// The forwarder's client does no tracing of its own: no runtime CLIENT span and no trace headers written by the
/// runtime. With tracing off, the upstream gets the caller's <c>traceparent</c>/<c>tracestate</c> exactly as sent
/// (YARP copies request headers), where the runtime would have injected the unrecorded Activity ASP.NET Core creates
/// for logging: a new, unsampled trace that a parent-based upstream sampler would drop. With tracing on,
/// <see cref="UpstreamSpans"/> writes the gateway's own CLIENT span into <c>traceparent</c>.
/// </summary>
internal sealed class TraceContextPassThroughHttpClientFactory : ForwarderHttpClientFactory
{
    public TraceContextPassThroughHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger)
        : base(logger)
    {
    }

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ActivityHeadersPropagator = null;
    }
}
