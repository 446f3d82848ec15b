namespace Mem0Gateway.Proxy;

/// <summary>
/// The bounded set of ways a proxied request can fail, the <c>error</c> label of
/// <c>mem0_gateway_upstream_errors_total</c>. Adding a value is a contract change: update the README.
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
    /// <summary>The outgoing request could not be built (bad header from the client).</summary>
    RequestCreation,
    /// <summary>A protocol upgrade (WebSocket) failed on the upstream side.</summary>
    UpgradeFailure,
    Other,
}
