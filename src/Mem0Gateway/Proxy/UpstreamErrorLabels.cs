namespace Mem0Gateway.Proxy;

/// <summary>The label value and the blame of each <see cref="UpstreamErrorKind"/>, in one place.</summary>
public static class UpstreamErrorLabels
{
    private static readonly string[] Labels =
    [
        "none", "connect_refused", "connect_failure", "timeout", "connection_reset", "response_truncated",
        "request_body_destination", "no_destination", "client_abort", "upstream_5xx", "request_creation",
        "upgrade_failure", "other", "client_bad_header", "client_method_not_allowed", "client_bad_body",
        "unexpected_upgrade", "invalid_response", "internal_error",
    ];

    private static readonly ForwardingBlame[] Blames =
    [
        ForwardingBlame.None, ForwardingBlame.UpstreamTransport, ForwardingBlame.UpstreamTransport, ForwardingBlame.Timeout,
        ForwardingBlame.UpstreamTransport, ForwardingBlame.UpstreamTransport, ForwardingBlame.UpstreamTransport,
        // No destination: health checks took every destination out; the upstream is down, not the gateway.
        ForwardingBlame.UpstreamTransport,
        ForwardingBlame.Client, ForwardingBlame.UpstreamApplication, ForwardingBlame.Gateway,
        ForwardingBlame.UpstreamTransport, ForwardingBlame.UpstreamTransport, ForwardingBlame.Client, ForwardingBlame.Client,
        ForwardingBlame.Client, ForwardingBlame.UpstreamTransport, ForwardingBlame.UpstreamTransport, ForwardingBlame.Gateway,
    ];

    public static int Count => Labels.Length;

    public static string ToLabel(this UpstreamErrorKind kind) => Labels[(int)kind];

    public static ForwardingBlame BlameOf(this UpstreamErrorKind kind) => Blames[(int)kind];
}
