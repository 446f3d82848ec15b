using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Mem0Gateway.Proxy;

public static class TrustedForwardedHeadersExtensions
{
    /// <summary>
    /// Takes client address, scheme and host from X-Forwarded-* only when the peer is a configured proxy. YARP then
    /// sets (replaces) X-Forwarded-For/-Proto/-Host on the way upstream from that result, so what mem0 sees is
    /// either the gateway's own view or what a trusted proxy vouched for.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app, TrustedProxiesOptions trusted)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            ForwardLimit = null,
        };

        // ASP.NET Core trusts loopback by default; the gateway trusts nobody it was not told to.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in trusted.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in trusted.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return options.KnownProxies.Count == 0 && options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders(options);
    }
}
