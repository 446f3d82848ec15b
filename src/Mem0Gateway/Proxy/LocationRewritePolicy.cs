using System.Net;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Decides whether an upstream's <c>Location</c> names the destination itself (as <c>next start</c> does with
/// <c>http://localhost:3000/setup</c>) and, if so, points it at the address the client used for the gateway, so a
/// redirect never sends the browser around the gateway. Loopback names (localhost, 127.0.0.1, ::1) count as one host.
/// </summary>
internal static class LocationRewritePolicy
{
    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (headers.Location.Count != 1 || headers.Location[0] is not { Length: > 0 } value
            || !Uri.TryCreate(value, UriKind.Absolute, out var location)
            || location.Scheme is not ("http" or "https")
            || context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.Model.Config.Address is not { } address
            || !Uri.TryCreate(address, UriKind.Absolute, out var destination)
            || !IsSameEndpoint(location, destination))
        {
            return;
        }

        var prefix = destination.AbsolutePath.TrimEnd('/');
        var path = location.AbsolutePath;
        if (prefix.Length > 0 && path.StartsWith(prefix, StringComparison.Ordinal))
        {
            path = path[prefix.Length..];
        }

        var request = context.Request;
        headers.Location = string.Concat(request.Scheme, "://", request.Host.Value, request.PathBase.Value, path, location.Query, location.Fragment);
    }

    private static bool IsSameEndpoint(Uri location, Uri destination)
        => location.Port == destination.Port
            && (string.Equals(location.Host, destination.Host, StringComparison.OrdinalIgnoreCase)
                || (IsLoopback(location.Host) && IsLoopback(destination.Host)));

    private static bool IsLoopback(string host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
