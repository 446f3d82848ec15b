using System.Globalization;
using System.Runtime.CompilerServices;
using Mem0Gateway.Proxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// Passive health that marks a destination unhealthy when too many of its recent proxied requests failed, reading each
/// request's <see cref="ForwardingOutcome"/>. By default only transport failures (refused, reset, broken HTTP) and
/// timeouts count; the upstream's own 5xx answers (mem0's 502 when its LLM call failed) count only where the cluster
/// opts in with <see cref="CountServerErrorsMetadata"/>. Client and gateway faults never count. Like Envoy's panic
/// threshold, it never takes out a service's last available destination: only active probes can do that, since
/// ejecting it would turn every request, healthy ones included, into a 503.
/// Tuned per cluster through Metadata (see the constants); the unhealthy destination gets traffic again after
/// max(HealthCheck:Passive:ReactivationPeriod, detection window), when its history has aged out.
/// </summary>
internal sealed class TransportAndServerErrorRateHealthPolicy : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "TransportAndServerErrorRate";

    /// <summary>Failed share of requests in the window at which the destination turns unhealthy (0..1).</summary>
    public const string RateLimitMetadata = "TransportAndServerErrorRate.RateLimit";

    /// <summary>Fewest requests in the window before the rate is judged at all.</summary>
    public const string MinimalTotalCountMetadata = "TransportAndServerErrorRate.MinimalTotalCount";

    /// <summary>Sliding window the rate is computed over (TimeSpan, e.g. 00:00:30).</summary>
    public const string DetectionWindowMetadata = "TransportAndServerErrorRate.DetectionWindow";

    /// <summary>"true": the upstream's 5xx answers count as failures too (off by default).</summary>
    public const string CountServerErrorsMetadata = "TransportAndServerErrorRate.CountServerErrors";

    public const double DefaultRateLimit = 0.5;
    public const int DefaultMinimalTotalCount = 10;
    public static readonly TimeSpan DefaultDetectionWindow = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultReactivationPeriod = TimeSpan.FromSeconds(30);

    private readonly IDestinationHealthUpdater _healthUpdater;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<DestinationState, RequestHistory> _histories = new();
    private readonly ConditionalWeakTable<ClusterModel, Settings> _settings = new();

    public TransportAndServerErrorRateHealthPolicy(IDestinationHealthUpdater healthUpdater, TimeProvider time)
    {
        _healthUpdater = healthUpdater;
        _time = time;
    }

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var settings = _settings.GetValue(cluster.Model, Settings.Parse);
        if (Classify(context, settings.CountServerErrors) is not { } failed)
        {
            return;
        }

        var history = _histories.GetValue(destination, _ => new RequestHistory());
        bool unhealthy;
        lock (history)
        {
            unhealthy = history.Add(_time.GetTimestamp(), _time.TimestampFrequency, settings, failed);
        }

        if (unhealthy && IsLastAvailable(cluster, destination))
        {
            unhealthy = false;
        }

        var reactivation = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? DefaultReactivationPeriod;
        // Stay out until the failures that tripped it have left the window, or the first request back trips it again.
        if (reactivation < settings.Window)
        {
            reactivation = settings.Window;
        }

        _healthUpdater.SetPassive(cluster, destination, unhealthy ? DestinationHealth.Unhealthy : DestinationHealth.Healthy, reactivation);
    }

    /// <summary>true: the destination failed; false: it answered; null: the outcome says nothing about it.</summary>
    internal static bool? Classify(HttpContext context, bool countServerErrors)
    {
        if (context.Features.Get<ProxyRequestContext>() is not { HasOutcome: true } request)
        {
            return null;
        }

        var outcome = request.Outcome;
        return outcome.Blame switch
        {
            ForwardingBlame.None => false,
            ForwardingBlame.Client or ForwardingBlame.Gateway => null,
            _ => outcome.CountsAgainstUpstream(countServerErrors),
        };
    }

    /// <summary>No other destination of the cluster would be left to serve if this one went out.</summary>
    private static bool IsLastAvailable(ClusterState cluster, DestinationState destination)
    {
        foreach (var other in cluster.DestinationsState.AllDestinations)
        {
            if (!ReferenceEquals(other, destination)
                && other.Health.Active != DestinationHealth.Unhealthy
                && other.Health.Passive != DestinationHealth.Unhealthy)
            {
                return false;
            }
        }

        return true;
    }

    internal sealed record Settings(double RateLimit, int MinimalTotalCount, TimeSpan Window, bool CountServerErrors)
    {
        public static Settings Parse(ClusterModel cluster)
        {
            var metadata = cluster.Config.Metadata;
            var rate = metadata?.GetValueOrDefault(RateLimitMetadata) is { } r
                && double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedRate) && parsedRate > 0
                ? parsedRate : DefaultRateLimit;
            var count = metadata?.GetValueOrDefault(MinimalTotalCountMetadata) is { } c
                && int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsedCount) && parsedCount > 0
                ? parsedCount : DefaultMinimalTotalCount;
            var window = metadata?.GetValueOrDefault(DetectionWindowMetadata) is { } w
                && TimeSpan.TryParse(w, CultureInfo.InvariantCulture, out var parsedWindow) && parsedWindow > TimeSpan.Zero
                ? parsedWindow : DefaultDetectionWindow;
            var serverErrors = metadata?.GetValueOrDefault(CountServerErrorsMetadata) is { } e
                && bool.TryParse(e, out var parsedServerErrors) && parsedServerErrors;
            return new Settings(rate, count, window, serverErrors);
        }
    }

    /// <summary>Outcomes per one-second bucket, so a busy destination costs a queue entry per second, not per request.</summary>
    private sealed class RequestHistory
    {
        private readonly Queue<(long Start, int Total, int Failed)> _buckets = new();
        private long _bucketStart;
        private int _bucketTotal;
        private int _bucketFailed;
        private int _total;
        private int _failed;

        public bool Add(long now, long frequency, Settings settings, bool failed)
        {
            if (_bucketTotal > 0 && now - _bucketStart >= frequency)
            {
                _buckets.Enqueue((_bucketStart, _bucketTotal, _bucketFailed));
                _bucketTotal = 0;
                _bucketFailed = 0;
            }

            if (_bucketTotal == 0)
            {
                _bucketStart = now;
            }

            _bucketTotal++;
            _total++;
            if (failed)
            {
                _bucketFailed++;
                _failed++;
            }

            var window = (long)(settings.Window.TotalSeconds * frequency);
            while (_buckets.Count > 0 && now - _buckets.Peek().Start > window)
            {
                var old = _buckets.Dequeue();
                _total -= old.Total;
                _failed -= old.Failed;
            }

            return _total >= settings.MinimalTotalCount && (double)_failed / _total >= settings.RateLimit;
        }
    }
}
