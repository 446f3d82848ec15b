using System.Collections.Concurrent;
using System.Net.Http;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// The gateway's view of upstream health, fed by YARP's health machinery: probe results (from
/// <see cref="ProbeObservingActiveHealthCheckPolicy"/>) and every health change (from
/// <see cref="HealthObservingClusterDestinationsUpdater"/>). Keeps <c>mem0_gateway_upstream_up</c> and the probe metrics,
/// and logs a destination going down or coming back once per change, never per probe.
/// </summary>
internal sealed partial class UpstreamHealthRegistry
{
    private readonly ConcurrentDictionary<(string Service, string Destination), DestinationHealthRecord> _records = new();
    private readonly HealthMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamHealthRegistry> _logger;

    public UpstreamHealthRegistry(HealthMetrics metrics, TimeProvider time, ILogger<UpstreamHealthRegistry> logger)
    {
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Up = may receive traffic: neither the active nor the passive check says Unhealthy (Unknown counts as up,
    /// as it does for the HealthyAndUnknown destinations policy).</summary>
    public static bool IsUp(DestinationState destination)
        => destination.Health.Active != DestinationHealth.Unhealthy && destination.Health.Passive != DestinationHealth.Unhealthy;

    public DestinationHealthRecord? Find(string service, string destination)
        => _records.TryGetValue((service, destination), out var record) ? record : null;

    public void RecordProbe(ClusterState cluster, DestinationProbingResult result, TimeSpan? duration)
    {
        var record = GetRecord(cluster.ClusterId, result.Destination.DestinationId);
        var healthy = ProbeVerdict.IsAlive(cluster, result.Response);
        lock (record)
        {
            record.LastProbeAt = _time.GetUtcNow();
            record.LastProbeDuration = duration;
            record.ConsecutiveFailures = healthy ? 0 : record.ConsecutiveFailures + 1;
            record.LastProbeFailure = healthy ? null : DescribeFailure(result);
        }

        (healthy ? record.HealthyProbes : record.UnhealthyProbes).Inc();
        if (duration is { } elapsed)
        {
            record.ProbeDuration.Observe(elapsed.TotalSeconds);
        }
    }

    /// <summary>Brings the records of one cluster in line with YARP's destination states.</summary>
    public void Reconcile(ClusterState cluster)
    {
        var destinations = cluster.Destinations;
        foreach (var (id, destination) in destinations)
        {
            var record = GetRecord(cluster.ClusterId, id);
            var up = IsUp(destination);
            bool? was;
            string? failure;
            int failures;
            lock (record)
            {
                was = record.IsUp;
                if (was == up)
                {
                    continue;
                }

                record.IsUp = up;
                failure = record.LastProbeFailure;
                failures = record.ConsecutiveFailures;
            }

            record.UpGauge.Set(up ? 1 : 0);
            if (!up)
            {
                var reason = destination.Health.Active == DestinationHealth.Unhealthy
                    ? $"active probe failed {failures} time(s) in a row, last: {failure ?? "unknown"}"
                    : "too many of its recent requests failed (transport errors or 5xx)";
                Log.DestinationDown(_logger, cluster.ClusterId, id, reason);
            }
            else if (was is not null)
            {
                Log.DestinationUp(_logger, cluster.ClusterId, id);
            }
        }

        foreach (var key in _records.Keys)
        {
            if (key.Service == cluster.ClusterId && !destinations.ContainsKey(key.Destination))
            {
                Remove(key);
            }
        }
    }

    /// <summary>A cluster left the config: its series go too, so dashboards do not show a dead destination forever.</summary>
    public void RemoveCluster(string clusterId)
    {
        foreach (var key in _records.Keys)
        {
            if (key.Service == clusterId)
            {
                Remove(key);
            }
        }
    }

    private void Remove((string Service, string Destination) key)
    {
        if (_records.TryRemove(key, out _))
        {
            _metrics.UpstreamUp.RemoveLabelled(key.Service, key.Destination);
            _metrics.HealthChecksTotal.RemoveLabelled(key.Service, key.Destination, "healthy");
            _metrics.HealthChecksTotal.RemoveLabelled(key.Service, key.Destination, "unhealthy");
            _metrics.HealthCheckDuration.RemoveLabelled(key.Service, key.Destination);
        }
    }

    private DestinationHealthRecord GetRecord(string service, string destination)
        => _records.GetOrAdd((service, destination), static (key, metrics) => new DestinationHealthRecord(key.Service, key.Destination, metrics), _metrics);

    /// <summary>The cause of a failed probe in fixed words: exception messages can carry URLs or worse.</summary>
    internal static string DescribeFailure(DestinationProbingResult result)
    {
        if (result.Response is { } response)
        {
            return $"answered {(int)response.StatusCode}";
        }

        return result.Exception switch
        {
            null => "no answer",
            _ when RefusedOrConsecutiveFailuresHealthPolicy.IsConnectionRefused(result.Exception) => "connection refused",
            OperationCanceledException => "timed out",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "connection failed",
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "host name not resolved",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS handshake failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "connection closed before an answer",
            HttpRequestException { HttpRequestError: var error } => $"request failed ({error})",
            var exception => $"probe failed ({exception.GetType().Name})",
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.DestinationDown, Level = LogLevel.Warning,
            Message = "Upstream {Service} destination {Destination} is down and gets no traffic: {Reason}.")]
        public static partial void DestinationDown(ILogger logger, string service, string destination, string reason);

        [LoggerMessage(EventId = LogEventIds.DestinationUp, Level = LogLevel.Information,
            Message = "Upstream {Service} destination {Destination} is up again and gets traffic.")]
        public static partial void DestinationUp(ILogger logger, string service, string destination);
    }
}
