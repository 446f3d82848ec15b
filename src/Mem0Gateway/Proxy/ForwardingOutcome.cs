namespace Mem0Gateway.Proxy;

/// <summary>
/// How one request ended, decided once by <see cref="ForwardingOutcomePolicy"/> and kept on the
/// <see cref="ProxyRequestContext"/>: metrics, the access log, spans, passive health and MCP all read it and never
/// classify again, so they can never disagree.
/// </summary>
public readonly record struct ForwardingOutcome(UpstreamErrorKind Error, int StatusCode, bool ResponseBroken)
{
    /// <summary>nginx's 499: the client closed the connection before the response was complete.</summary>
    public const int ClientClosedRequestStatus = 499;

    /// <summary>Who failed; <see cref="ForwardingBlame.None"/> when nothing did.</summary>
    public ForwardingBlame Blame => Error.BlameOf();

    public bool IsFailure => Error != UpstreamErrorKind.None;

    /// <summary>
    /// Whether this says anything against the destination it went to: transport failures and timeouts always;
    /// the upstream's own 5xx answers only where the cluster opted in. Client and gateway faults never.
    /// </summary>
    public bool CountsAgainstUpstream(bool countServerErrors) => Blame switch
    {
        ForwardingBlame.UpstreamTransport or ForwardingBlame.Timeout => true,
        ForwardingBlame.UpstreamApplication => countServerErrors,
        _ => false,
    };
}
