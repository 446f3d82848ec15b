using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// Passive health that marks a destination unhealthy when too many of its recent proxied requests failed, counting
/// transport failures (refused, reset, timed out) AND 5xx answers; YARP's TransportFailureRate only sees the former.
/// A client that gives up on its own request says nothing about the upstream and is not counted at all.
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
        if (Classify(context) is not { } failed)
        {
            return;
        }

        var settings = _settings.GetValue(cluster.Model, Settings.Parse);
        var history = _histories.GetValue(destination, _ => new RequestHistory());
        bool unhealthy;
        lock (history)
        {
            unhealthy = history.Add(_time.GetTimestamp(), _time.TimestampFrequency, settings, failed);
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
    internal static bool? Classify(HttpContext context)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        var timedOut = context.Features.Get<IHttpRequestTimeoutFeature>() is { RequestTimeoutToken.IsCancellationRequested: true };
        if (timedOut)
        {
            // Our route timeout fired: the upstream was too slow.
            return true;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }

        if (error is not null)
        {
            return error.Error switch
            {
                ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
                    or ForwarderError.ResponseBodyDestination or ForwarderError.UpgradeRequestDestination
                    or ForwarderError.UpgradeResponseDestination or ForwarderError.UpgradeActivityTimeout => true,
                // Client side (canceled, client body) or the gateway's own trouble (request creation, headers).
                _ => null,
            };
        }

        return context.Response.StatusCode >= StatusCodes.Status500InternalServerError;
    }

    internal sealed record Settings(double RateLimit, int MinimalTotalCount, TimeSpan Window)
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
            return new Settings(rate, count, window);
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
