namespace Mem0Gateway.Proxy;

/// <summary>
/// Which peers may tell the gateway who the client is (<c>Gateway:ForwardedHeaders</c>). Incoming X-Forwarded-For,
/// -Proto and -Host are believed only from these; from anyone else they are replaced by what the gateway sees.
/// Empty by default: a client cannot spoof its address into the upstream's or the gateway's logs.
/// </summary>
public sealed class TrustedProxiesOptions
{
    /// <summary>Addresses of proxies in front of the gateway (a load balancer, an ingress).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks in CIDR notation ("10.0.0.0/8") whose peers are trusted proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
