namespace Mem0Gateway.Configuration;

/// <summary>
/// Request limits of the listeners (<c>Gateway:Limits</c>), applied by Kestrel before anything is proxied. A route's
/// <c>MaxRequestBodySize</c> in yarp.json overrides the body limit for that route.
/// </summary>
public sealed class GatewayLimitsOptions
{
    /// <summary>mem0 requests are small JSON; 10 MiB leaves room for long conversations. Larger gets 413.</summary>
    public long MaxRequestBodySize { get; set; } = 10 * 1024 * 1024;

    /// <summary>All request headers together (Kestrel's default, 32 KiB). Larger gets 431.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Request line (method, path and query), Kestrel's default 8 KiB. Longer gets 414.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>How long a client may take to send its headers: a slow-loris client is cut off after this.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Idle connections are closed after this: between requests, and before the first one (a connection opened and left
    /// silent). Bounds how long an idle flood can hold a listener's connection budget.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Open connections each listener (every service port, and the management port) accepts at once; a connection over
    /// the limit is closed as soon as it is accepted. Each listener has its own budget, so a flood on one service's port
    /// never starves another service or the management endpoints.
    /// </summary>
    public int MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// Minimum rate (bytes/s, after a 5 s grace) at which a client must send its body or read its response while a
    /// write is pending; a slower client is disconnected so it cannot pin an upstream connection. An idle event
    /// stream is not affected: the rate applies only while data is waiting to be sent.
    /// </summary>
    public double MinDataRateBytesPerSecond { get; set; } = 240;
}
