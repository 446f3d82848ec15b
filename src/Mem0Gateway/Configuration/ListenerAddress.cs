using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Mem0Gateway.Configuration;

public static class ListenerAddress
{
    /// <summary>Parses a bind address from config; "*" and "0.0.0.0" mean every IPv4 interface.</summary>
    public static IPAddress Parse(string value)
        => TryParse(value, out var address) ? address : throw new FormatException($"'{value}' is not an IP address the gateway can bind to.");

    public static bool TryParse(string? value, [NotNullWhen(true)] out IPAddress? address)
    {
        address = value?.Trim() switch
        {
            null => null,
            "" or "*" or "0.0.0.0" => IPAddress.Any,
            "::" or "[::]" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            var text => IPAddress.TryParse(text.Trim('[', ']'), out var parsed) ? parsed : null,
        };
        return address is not null;
    }
}
