using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Tracing;

/// <summary>
/// With tracing off, the upstream gets the caller's <c>traceparent</c>/<c>tracestate</c> exactly as sent (YARP copies
/// request headers). Without this, the runtime would inject a traceparent of the unrecorded Activity ASP.NET Core
/// creates for logging: a new, unsampled trace that a parent-based upstream sampler would then drop.
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
