namespace Mem0Gateway.Proxy;

/// <summary>
/// The bounded set of ways a proxied request can fail, the <c>error</c> label of
/// <c>mem0_gateway_upstream_errors_total</c>. Each value has exactly one <see cref="ForwardingBlame"/>
/// (<see cref="UpstreamErrorLabels.BlameOf"/>). Adding a value is a contract change: update the README.
/// </summary>
public enum UpstreamErrorKind
{
    None = 0,
    /// <summary>The upstream refused the TCP connection (process down, port closed).</summary>
    ConnectRefused,
    /// <summary>Any other failure to connect: DNS, unreachable host, connect timeout.</summary>
    ConnectFailure,
    /// <summary>The route's request timeout or the cluster's activity timeout fired.</summary>
    Timeout,
    /// <summary>The upstream reset or closed the connection before or while sending the response.</summary>
    ConnectionReset,
    /// <summary>The response body ended before its declared length.</summary>
    ResponseTruncated,
    /// <summary>The upstream stopped reading the request body.</summary>
    RequestBodyDestination,
    /// <summary>No healthy destination was available (503).</summary>
    NoDestination,
    /// <summary>The client went away. Not the upstream's fault: never an error ratio, never passive health.</summary>
    ClientAbort,
    /// <summary>The upstream answered with a 5xx status.</summary>
    Upstream5xx,
    /// <summary>The gateway could not build the outgoing request for a reason that is not the client's.</summary>
    RequestCreation,
    /// <summary>A protocol upgrade the client asked for (WebSocket) failed on the upstream side.</summary>
    UpgradeFailure,
    /// <summary>Forwarding failed in a way no other value names.</summary>
    Other,
    /// <summary>A request header value the upstream cannot be sent (non-ASCII bytes): 400.</summary>
    ClientBadHeader,
    /// <summary>A method the gateway does not forward (CONNECT): 405.</summary>
    ClientMethodNotAllowed,
    /// <summary>A request body that is not valid HTTP (broken chunking) or over the size limit: 400/413.</summary>
    ClientBadBody,
    /// <summary>The upstream answered 101 Switching Protocols to a request that asked for no upgrade.</summary>
    UnexpectedUpgrade,
    /// <summary>The upstream's answer was not valid HTTP.</summary>
    InvalidResponse,
    /// <summary>The gateway failed while handling the request (500).</summary>
    InternalError,
}
