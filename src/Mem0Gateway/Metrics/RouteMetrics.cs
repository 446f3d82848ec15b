using System.Collections.Concurrent;
using System.Diagnostics;
using Mem0Gateway.Proxy;
using Prometheus;

namespace Mem0Gateway.Metrics;

/// <summary>
/// The metric children of one route, resolved on first use and kept, so the hot path never hashes label sets or
/// builds strings. Rebuilt (cheaply: the registry hands back the same children) when YARP rebuilds endpoints.
/// </summary>
public sealed class RouteMetrics
{
    private readonly GatewayMetrics _metrics;
    private readonly string _service;
    private readonly string _route;
    private readonly string _operation;
    private readonly Histogram.Child?[] _durationByMethod = new Histogram.Child?[HttpMethodLabels.Count];
    private readonly Counter.Child?[] _errorsByKind = new Counter.Child?[UpstreamErrorLabels.Count];
    private readonly Counter.Child?[] _brokenByKind = new Counter.Child?[UpstreamErrorLabels.Count];
    private readonly ConcurrentDictionary<int, Counter.Child> _requestsByMethodAndStatus = new();
    private Histogram.Child? _streamTimeToFirstByte;
    private Histogram.Child? _streamDuration;
    private readonly ExemplarPacingPolicy _durationExemplars = new(GatewayMetrics.RequestDurationBuckets, TimeProvider.System);

    public RouteMetrics(GatewayMetrics metrics, ProxyRouteDescriptor route)
    {
        _metrics = metrics;
        _service = route.Service;
        _route = route.RouteId;
        _operation = route.Operation;
        InFlight = metrics.RequestsInFlight.WithLabels(route.Service);
    }

    public Gauge.Child InFlight { get; }

    public Counter.Child Requests(HttpMethodLabel method, int statusCode)
    {
        var key = ((int)method << 16) | (statusCode & 0xFFFF);
        return _requestsByMethodAndStatus.TryGetValue(key, out var child)
            ? child
            : _requestsByMethodAndStatus.GetOrAdd(key, _ => _metrics.RequestsTotal.WithLabels(
                _service, _route, _operation, method.ToLabel(), StatusCodeLabels.ToLabel(statusCode)));
    }

    private Histogram.Child Duration(HttpMethodLabel method)
        => _durationByMethod[(int)method] ??= _metrics.RequestDuration.WithLabels(_service, _route, _operation, method.ToLabel());

    /// <summary>Observes a request's duration, with its trace as exemplar when its bucket is due one.</summary>
    public void ObserveDuration(HttpMethodLabel method, double seconds)
    {
        // Only a recorded trace makes an exemplar, so that every exemplar opens a trace that exists, and only such a
        // request spends its bucket's turn.
        var exemplar = Activity.Current is { Recorded: true } activity && _durationExemplars.Allows(seconds)
            ? GatewayMetrics.TraceExemplarOf(activity)
            : Exemplar.None;
        Duration(method).Observe(seconds, exemplar);
    }

    public Counter.Child UpstreamErrors(UpstreamErrorKind error)
        => _errorsByKind[(int)error] ??= _metrics.UpstreamErrorsTotal.WithLabels(_service, _route, error.ToLabel(), error.BlameOf().ToLabel());

    public Counter.Child ResponsesBroken(UpstreamErrorKind error)
        => _brokenByKind[(int)error] ??= _metrics.ResponsesBrokenTotal.WithLabels(_service, _route, _operation, error.ToLabel());

    public Histogram.Child StreamTimeToFirstByte
        => _streamTimeToFirstByte ??= _metrics.StreamTimeToFirstByte.WithLabels(_service, _route, _operation);

    public Histogram.Child StreamDuration
        => _streamDuration ??= _metrics.StreamDuration.WithLabels(_service, _route, _operation);
}
