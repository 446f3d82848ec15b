namespace Mem0Gateway.Proxy;

/// <summary>The label value of each <see cref="UpstreamErrorKind"/>, in one place.</summary>
public static class UpstreamErrorLabels
{
    private static readonly string[] Labels =
    [
        "none", "connect_refused", "connect_failure", "timeout", "connection_reset", "response_truncated",
        "request_body_destination", "no_destination", "client_abort", "upstream_5xx", "request_creation",
        "upgrade_failure", "other",
    ];

    public static int Count => Labels.Length;

    public static string ToLabel(this UpstreamErrorKind kind) => Labels[(int)kind];

    public static IReadOnlyList<string> All => Labels;
}
