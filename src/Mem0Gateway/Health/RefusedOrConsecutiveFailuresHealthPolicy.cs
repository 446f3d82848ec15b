using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// Active health like YARP's ConsecutiveFailures (a 2xx probe makes a destination healthy; <c>Threshold</c> failures in
/// a row make it unhealthy), except that a refused connection makes it unhealthy at once: nothing listens on the port,
/// so waiting for a second probe only sends clients to a dead upstream for another interval. A timeout or a 5xx can be
/// a blip, and keeps needing the threshold.
/// </summary>
internal sealed class RefusedOrConsecutiveFailuresHealthPolicy : IActiveHealthCheckPolicy
{
    public const string PolicyName = "RefusedOrConsecutiveFailures";

    /// <summary>Same metadata key as YARP's ConsecutiveFailures, so switching policies keeps the tuning.</summary>
    public const string ThresholdMetadata = "ConsecutiveFailuresHealthPolicy.Threshold";

    public const int DefaultThreshold = 2;

    private readonly IDestinationHealthUpdater _healthUpdater;
    private readonly ConditionalWeakTable<DestinationState, StrongBox<int>> _failures = new();

    public RefusedOrConsecutiveFailuresHealthPolicy(IDestinationHealthUpdater healthUpdater) => _healthUpdater = healthUpdater;

    public string Name => PolicyName;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        if (probingResults.Count == 0)
        {
            return;
        }

        var threshold = cluster.Model.Config.Metadata?.GetValueOrDefault(ThresholdMetadata) is { } value
            && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed : DefaultThreshold;

        var results = new NewActiveDestinationHealth[probingResults.Count];
        for (var i = 0; i < probingResults.Count; i++)
        {
            var result = probingResults[i];
            var failures = _failures.GetValue(result.Destination, _ => new StrongBox<int>());
            DestinationHealth health;
            if (ProbeVerdict.IsAlive(cluster, result.Response))
            {
                Interlocked.Exchange(ref failures.Value, 0);
                health = DestinationHealth.Healthy;
            }
            else
            {
                var count = Interlocked.Increment(ref failures.Value);
                health = count >= threshold || IsConnectionRefused(result.Exception)
                    ? DestinationHealth.Unhealthy
                    : result.Destination.Health.Active;
            }

            results[i] = new NewActiveDestinationHealth(result.Destination, health);
        }

        _healthUpdater.SetActive(cluster, results);
    }

    internal static bool IsConnectionRefused(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}
