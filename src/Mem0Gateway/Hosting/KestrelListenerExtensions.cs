using Mem0Gateway.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mem0Gateway.Hosting;

internal static class KestrelListenerExtensions
{
    /// <summary>One listener per service plus the management listener, all from the Gateway section.</summary>
    public static void ListenOnGatewayPorts(this KestrelServerOptions kestrel, GatewayOptions options)
    {
        var limits = options.Limits;
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodySize;
        kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
        kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineSize;
        kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
        var grace = TimeSpan.FromSeconds(5);
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinDataRateBytesPerSecond, grace);
        kestrel.Limits.MinResponseDataRate = new MinDataRate(limits.MinDataRateBytesPerSecond, grace);
        var proxyAddress = ListenerAddress.Parse(options.ListenAddress);
        foreach (var (_, service) in options.RunServices())
        {
            kestrel.Listen(proxyAddress, service.Port, listener => listener.Use(new ListenerConnectionLimit(limits.MaxConcurrentConnections).Apply));
        }

        kestrel.Listen(ListenerAddress.Parse(options.ManagementAddress), options.ManagementPort,
            listener => listener.Use(new ListenerConnectionLimit(limits.MaxConcurrentConnections).Apply));
    }
}
