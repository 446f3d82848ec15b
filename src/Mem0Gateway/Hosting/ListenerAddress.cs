using System.Net;

namespace Mem0Gateway.Hosting;

internal static class ListenerAddress
{
    /// <summary>Parses a bind address from config; "*" and "0.0.0.0" mean every IPv4 interface.</summary>
    public static IPAddress Parse(string value) => value.Trim() switch
    {
        "" or "*" or "0.0.0.0" => IPAddress.Any,
        "::" or "[::]" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        var text => IPAddress.TryParse(text.Trim('[', ']'), out var address)
            ? address
            : throw new FormatException($"'{value}' is not an IP address the gateway can bind to."),
    };
}
