using System.Collections.Concurrent;

namespace Mem0Gateway.Tracing;

/// <summary>
/// A destination prefix as a CLIENT span names it: <c>server.address</c>, the boxed <c>server.port</c> and the
/// scheme and authority that start <c>url.full</c>. Parsed once per configured destination address.
/// </summary>
internal sealed class UpstreamAddress
{
    // Keys are destination addresses from the proxy config, so the cache is as bounded as the config is.
    private static readonly ConcurrentDictionary<string, UpstreamAddress> Cache = new(StringComparer.Ordinal);

    private UpstreamAddress(Uri prefix)
    {
        Host = prefix.IdnHost;
        Port = prefix.Port;
        Origin = prefix.GetLeftPart(UriPartial.Authority);
    }

    public string Host { get; }

    public object Port { get; }

    /// <summary>scheme://host:port, without a trailing slash.</summary>
    public string Origin { get; }

    public static UpstreamAddress Of(string destinationPrefix)
        => Cache.GetOrAdd(destinationPrefix, static prefix => new UpstreamAddress(new Uri(prefix, UriKind.Absolute)));
}
