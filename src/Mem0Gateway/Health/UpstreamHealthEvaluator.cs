using Mem0Gateway.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>Turns YARP's live destination states into health report entries and the readiness verdict.</summary>
internal sealed class UpstreamHealthEvaluator
{
    private readonly IProxyStateLookup _proxyState;
    private readonly IActiveHealthCheckMonitor _monitor;
    private readonly UpstreamHealthRegistry _registry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly GatewayOptions _gateway;

    public UpstreamHealthEvaluator(
        IProxyStateLookup proxyState,
        IActiveHealthCheckMonitor monitor,
        UpstreamHealthRegistry registry,
        IHostApplicationLifetime lifetime,
        IOptions<GatewayOptions> gateway)
    {
        _proxyState = proxyState;
        _monitor = monitor;
        _registry = registry;
        _lifetime = lifetime;
        _gateway = gateway.Value;
    }

    /// <summary>Ready: serving, the first probes are done, and each required service has a destination that is up.</summary>
    public (bool Ready, string Reason) EvaluateReadiness()
    {
        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return (false, "The gateway is shutting down.");
        }

        if (!_monitor.InitialProbeCompleted)
        {
            return (false, "The first health probes of the upstreams have not finished yet.");
        }

        var missing = RequiredServices().Where(service => !HasUpDestination(service)).ToList();
        return missing.Count == 0
            ? (true, "Every required service has a healthy destination.")
            : (false, $"No healthy destination for required service(s): {string.Join(", ", missing)}.");
    }

    public bool IsRequired(string service) => _gateway.Services.TryGetValue(service, out var options) && options.Required;

    public IEnumerable<string> RequiredServices() => _gateway.RunServices().Where(s => s.Value.Required).Select(s => s.Key);

    public bool HasUpDestination(string service)
        => _proxyState.TryGetCluster(service, out var cluster) && cluster.Destinations.Values.Any(UpstreamHealthRegistry.IsUp);

    /// <summary>One entry per service and destination, named "service/destination", with the last probe in its data.</summary>
    public IEnumerable<(string Name, HealthReportEntry Entry)> DestinationEntries()
    {
        foreach (var cluster in _proxyState.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal))
        {
            var required = IsRequired(cluster.ClusterId);
            var active = cluster.Model.Config.HealthCheck?.Active;
            var activeEnabled = active?.Enabled == true;
            foreach (var destination in cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal))
            {
                var record = _registry.Find(cluster.ClusterId, destination.DestinationId);
                int consecutiveFailures = 0;
                DateTimeOffset? lastCheck = null;
                TimeSpan? responseTime = null;
                string? lastFailure = null;
                if (record is not null)
                {
                    lock (record)
                    {
                        (consecutiveFailures, lastCheck, responseTime, lastFailure) =
                            (record.ConsecutiveFailures, record.LastProbeAt, record.LastProbeDuration, record.LastProbeFailure);
                    }
                }

                var up = UpstreamHealthRegistry.IsUp(destination);
                var data = new Dictionary<string, object>
                {
                    ["service"] = cluster.ClusterId,
                    ["destination"] = destination.DestinationId,
                    ["required"] = required,
                    ["activeHealth"] = destination.Health.Active.ToString(),
                    ["passiveHealth"] = destination.Health.Passive.ToString(),
                    ["consecutiveFailures"] = consecutiveFailures,
                };
                if (activeEnabled)
                {
                    data["probePath"] = active!.Path ?? "/";
                }

                if (lastCheck is { } checkedAt)
                {
                    data["lastCheck"] = checkedAt.ToString("O");
                }

                if (responseTime is { } elapsed)
                {
                    data["responseTimeMs"] = Math.Round(elapsed.TotalMilliseconds, 1);
                }

                string description;
                if (!up)
                {
                    description = destination.Health.Active == DestinationHealth.Unhealthy
                        ? $"Down: health probe failed ({lastFailure ?? "unknown"})."
                        : "Down: too many recent requests failed (transport errors or 5xx).";
                }
                else if (destination.Health.Active == DestinationHealth.Healthy)
                {
                    description = "Up: last health probe succeeded.";
                }
                else
                {
                    description = activeEnabled ? "Up: not confirmed by a health probe yet." : "Up: active health checks are off.";
                }

                var entry = new HealthReportEntry(
                    up ? HealthStatus.Healthy : HealthStatus.Unhealthy,
                    description,
                    responseTime ?? TimeSpan.Zero,
                    exception: null,
                    data,
                    tags: ["upstream", cluster.ClusterId]);
                yield return ($"{cluster.ClusterId}/{destination.DestinationId}", entry);
            }
        }
    }
}
