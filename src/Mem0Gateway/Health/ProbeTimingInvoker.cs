using System.Diagnostics;

namespace Mem0Gateway.Health;

/// <summary>
/// A cluster's HTTP client as built by whichever forwarder client factory is registered, with active health probes
/// timed on their way through; proxied requests go straight to the inner client.
/// </summary>
internal sealed class ProbeTimingInvoker : HttpMessageInvoker
{
    private readonly ProbeTimings _timings;

    public ProbeTimingInvoker(HttpMessageInvoker inner, ProbeTimings timings)
        : base(UnusedHandler.Instance, disposeHandler: false)
    {
        Inner = inner;
        _timings = timings;
    }

    public HttpMessageInvoker Inner { get; }

    public override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => _timings.TryGet(request, out var timing) ? SendTimedAsync(request, timing!, cancellationToken) : Inner.SendAsync(request, cancellationToken);

    public override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => Inner.Send(request, cancellationToken);

    private async Task<HttpResponseMessage> SendTimedAsync(HttpRequestMessage request, ProbeTiming timing, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await Inner.SendAsync(request, cancellationToken);
        }
        finally
        {
            timing.Complete(start);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The base class wants a handler; every call is overridden, so it never sees a request.</summary>
    private sealed class UnusedHandler : HttpMessageHandler
    {
        public static readonly UnusedHandler Instance = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new NotSupportedException();
    }
}
