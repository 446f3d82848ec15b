using Mem0Gateway.Proxy;

namespace Mem0Gateway.Metrics;

/// <summary>Records the RED metrics of each proxied request from its classified outcome.</summary>
internal sealed class RequestMetricsObserver : IProxyRequestObserver
{
    private readonly GatewayMetrics _metrics;

    public RequestMetricsObserver(GatewayMetrics metrics) => _metrics = metrics;

    public void OnRequestStarted(ProxyRequestContext request) => MetricsOf(request.Route).InFlight.Inc();

    public void OnRequestCompleted(ProxyRequestContext request)
    {
        var metrics = MetricsOf(request.Route);
        metrics.InFlight.Dec();
        var outcome = request.Outcome;
        metrics.Requests(request.Method, outcome.StatusCode).Inc();
        if (request.IsEventStream)
        {
            // A stream's lifetime is a session length, not a latency: it would own every p99 if it went in the histogram.
            if (request.TimeToFirstByte is { } timeToFirstByte)
            {
                metrics.StreamTimeToFirstByte.Observe(timeToFirstByte.TotalSeconds);
            }

            metrics.StreamDuration.Observe(request.Duration.TotalSeconds);
        }
        else
        {
            metrics.ObserveDuration(request.Method, request.Duration.TotalSeconds);
        }

        if (outcome.IsFailure)
        {
            metrics.UpstreamErrors(outcome.Error).Inc();
            if (outcome.ResponseBroken)
            {
                metrics.ResponsesBroken(outcome.Error).Inc();
            }
        }
    }

    private static readonly RouteFeatureSlot<RouteMetrics> Slot = new();

    /// <summary>Each route (and unmatched pseudo-route) gets its children on first use; YARP rebuilds descriptors on reload.</summary>
    private RouteMetrics MetricsOf(ProxyRouteDescriptor route)
        => route.GetOrAdd(Slot, _metrics, static (route, metrics) => new RouteMetrics(metrics, route));
}
