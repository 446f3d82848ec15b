using System.Diagnostics;

namespace Mem0Gateway.Health;

/// <summary>Times active health probes; proxied requests pass straight through.</summary>
internal sealed class ProbeTimingHandler : DelegatingHandler
{
    private readonly ProbeTimings _timings;

    public ProbeTimingHandler(ProbeTimings timings, HttpMessageHandler inner)
        : base(inner) => _timings = timings;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => _timings.TryGet(request, out var timing) ? SendTimedAsync(request, timing!, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendTimedAsync(HttpRequestMessage request, ProbeTiming timing, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            timing.Complete(start);
        }
    }
}
