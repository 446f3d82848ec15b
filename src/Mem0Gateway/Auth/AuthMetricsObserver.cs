using System.Collections.Concurrent;
using Mem0Gateway.Proxy;
using Prometheus;

namespace Mem0Gateway.Auth;

/// <summary>
/// Counts proxied requests by auth method, and requests per API key for keys the upstream accepted: a key answered
/// with 401/403 (or not answered by the upstream at all) never creates a series, so random keys cannot grow the label.
/// </summary>
internal sealed class AuthMetricsObserver : IProxyRequestObserver
{
    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly AuthMetrics _metrics;
    private readonly AuthMethodPolicy _methods;
    private readonly ApiKeyLabelPolicy _keys;
    private static readonly RouteFeatureSlot<Counter.Child?[]> ByMethodSlot = new();

    private readonly ConcurrentDictionary<(string Service, string Key, int StatusClass), Counter.Child> _byKey = new();

    public AuthMetricsObserver(AuthMetrics metrics, AuthMethodPolicy methods, ApiKeyLabelPolicy keys)
    {
        _metrics = metrics;
        _methods = methods;
        _keys = keys;
    }

    public void OnRequestStarted(ProxyRequestContext request)
    {
    }

    public void OnRequestCompleted(ProxyRequestContext request)
    {
        var service = request.Route.Service;
        var method = _methods.Classify(request.HttpContext.Request.Headers, out var apiKey);
        // One child per auth method, kept on the route (no lookup keyed by strings) and made on first use, so a method
        // nobody used has no series.
        var byMethod = request.Route.GetOrAdd(ByMethodSlot, 0, static (_, _) => new Counter.Child?[Enum.GetValues<AuthMethod>().Length]);
        (byMethod[(int)method] ??= _metrics.RequestsByAuthMethodTotal.WithLabels(service, AuthMethodPolicy.ToLabel(method))).Inc();

        // Only an answer of the upstream itself says whether it accepted the key.
        var outcome = request.Outcome;
        var status = outcome.StatusCode;
        if (method != AuthMethod.ApiKey || request.DestinationId is null
            || outcome.Blame is not (ForwardingBlame.None or ForwardingBlame.UpstreamApplication)
            || status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden || status is < 100 or > 599)
        {
            return;
        }

        var key = _keys.LabelOf(apiKey);
        _byKey.GetOrAdd((service, key, status / 100), static (k, m) => m.ApiKeyRequestsTotal.WithLabels(k.Service, k.Key, StatusClasses[k.StatusClass - 1]), _metrics)
            .Inc();
    }
}
