using System.Collections.Frozen;

namespace Mem0Gateway.Mcp;

/// <summary>
/// The MCP revisions the gateway knows, as a bounded <c>protocol_version</c> label, and which of them promise the
/// <c>Mcp-Method</c>/<c>Mcp-Name</c> request headers (2026-07-28 on, the revision that added them).
/// </summary>
public static class McpProtocolVersions
{
    public const string Unspecified = "unspecified";
    public const string FirstWithRoutingHeaders = "2026-07-28";

    public static readonly IReadOnlyList<string> Known = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", FirstWithRoutingHeaders];

    private static readonly FrozenDictionary<string, string> Labels = Known.ToFrozenDictionary(v => v, v => v, StringComparer.Ordinal);

    /// <summary>The label of a version string: itself when known, <c>other</c> when not, <c>unspecified</c> when absent.</summary>
    public static string Label(string? version)
        => string.IsNullOrEmpty(version) ? Unspecified : Labels.TryGetValue(version, out var label) ? label : McpLabels.Other;

    /// <summary>
    /// Whether a request of this version carries the routing headers. Revisions are dates, so a later unknown one
    /// compares after; anything not shaped like a date is not trusted.
    /// </summary>
    public static bool HasRoutingHeaders(string? version)
        => version is { Length: 10 } && version[4] == '-' && version[7] == '-'
            && string.CompareOrdinal(version, FirstWithRoutingHeaders) >= 0;
}
