namespace Mem0Gateway.Proxy;

/// <summary>
/// Who a request's failure belongs to: the <c>blame</c> label of <c>mem0_gateway_upstream_errors_total</c>. Only the
/// upstream kinds and timeouts can ever count against an upstream (passive health, error ratios).
/// </summary>
public enum ForwardingBlame : byte
{
    None = 0,
    /// <summary>The client sent something unforwardable or went away: a 4xx or 499, never the upstream's fault.</summary>
    Client,
    /// <summary>The gateway itself failed (a bug, a request it could not build).</summary>
    Gateway,
    /// <summary>The upstream could not be reached, broke the connection, or spoke broken HTTP.</summary>
    UpstreamTransport,
    /// <summary>The upstream answered, with a 5xx.</summary>
    UpstreamApplication,
    /// <summary>The route timeout or the activity timeout fired: the upstream was too slow.</summary>
    Timeout,
}
