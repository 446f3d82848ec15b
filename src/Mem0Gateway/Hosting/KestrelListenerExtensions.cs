using Mem0Gateway.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mem0Gateway.Hosting;

internal static class KestrelListenerExtensions
{
    /// <summary>One listener per service plus the management listener, all from the Gateway section.</summary>
    public static void ListenOnGatewayPorts(this KestrelServerOptions kestrel, GatewayOptions options)
    {
        kestrel.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodySize;
        var proxyAddress = ListenerAddress.Parse(options.ListenAddress);
        foreach (var service in options.Services.Values)
        {
            kestrel.Listen(proxyAddress, service.Port);
        }

        kestrel.Listen(ListenerAddress.Parse(options.ManagementAddress), options.ManagementPort);
    }
}
