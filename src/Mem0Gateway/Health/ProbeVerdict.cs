using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

/// <summary>
/// Decides whether a probe answer means the destination is alive: a 2xx, or also a 3xx when the cluster's metadata
/// sets <c>HealthCheck.RedirectIsAlive</c> (a Next.js UI whose middleware redirects every page to its login is up).
/// </summary>
internal static class ProbeVerdict
{
    public const string RedirectIsAliveMetadata = "HealthCheck.RedirectIsAlive";

    public static bool IsAlive(ClusterState cluster, HttpResponseMessage? response)
    {
        if (response is null)
        {
            return false;
        }

        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        var status = (int)response.StatusCode;
        return status is >= 300 and < 400
            && cluster.Model.Config.Metadata?.GetValueOrDefault(RedirectIsAliveMetadata) is { } value
            && bool.TryParse(value, out var accept) && accept;
    }
}
