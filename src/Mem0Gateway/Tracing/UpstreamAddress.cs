using System.Collections.Concurrent;

namespace Mem0Gateway.Tracing;

/// <summary>
/// A destination prefix as a CLIENT span names it: <c>server.address</c>, the boxed <c>server.port</c> and the
/// start of <c>url.full</c> (scheme, host, port and the prefix's own path, never its user info). Parsed once per
/// configured destination address.
/// </summary>
internal sealed class UpstreamAddress
{
    // Keys are destination addresses from the proxy config, so the cache is as bounded as the config is.
    private static readonly ConcurrentDictionary<string, UpstreamAddress> Cache = new(StringComparer.Ordinal);

    private UpstreamAddress(Uri prefix)
    {
        Host = prefix.IdnHost;
        Port = prefix.Port;
        // YARP appends the request path to the whole prefix, path included; credentials must not reach a span.
        UrlStart = prefix.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
    }

    public string Host { get; }

    public object Port { get; }

    /// <summary>scheme://host[:port][/prefix path], without a trailing slash.</summary>
    public string UrlStart { get; }

    public static UpstreamAddress Of(string destinationPrefix)
        => Cache.GetOrAdd(destinationPrefix, static prefix => new UpstreamAddress(new Uri(prefix, UriKind.Absolute)));
}
