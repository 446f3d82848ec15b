using System.Collections.Frozen;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Maps client-controlled names (client app, tool, JSON-RPC method) onto a bounded set of label values, so that no
/// client can create series at will. Label values are the configured strings, never the request's own text.
/// </summary>
public sealed class McpLabels
{
    public const string Other = "other";

    /// <summary>The client app of a message whose session this gateway did not see open.</summary>
    public const string UnknownClient = "unknown";

    /// <summary>A message body that could not be read as JSON-RPC (too large, chunked, not JSON).</summary>
    public const string UnparsedMethod = "unparsed";

    /// <summary>The JSON-RPC methods of MCP 2024-11-05 and 2025-03-26 a client sends; other method names count as <c>other</c>.</summary>
    public static readonly IReadOnlyList<string> Methods =
    [
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
        "notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed",
    ];

    private static readonly FrozenDictionary<string, string> MethodLabels = Methods.ToFrozenDictionary(m => m, m => m, StringComparer.Ordinal);

    private readonly FrozenDictionary<string, string> _clients;
    private readonly FrozenDictionary<string, string> _tools;

    public McpLabels(McpOptions options)
    {
        // Client apps are path segments users type ("Claude", "claude"): one lower-case label. Tool names are exact.
        _clients = ToLabels(options.Clients, StringComparer.OrdinalIgnoreCase, n => n.ToLowerInvariant());
        _tools = ToLabels(options.Tools, StringComparer.Ordinal, n => n);
    }

    public string Client(string? name) => name is not null && _clients.TryGetValue(name, out var label) ? label : Other;

    public string Tool(string? name) => name is not null && _tools.TryGetValue(name, out var label) ? label : Other;

    public static string Method(string? method) => method is not null && MethodLabels.TryGetValue(method, out var label) ? label : Other;

    private static FrozenDictionary<string, string> ToLabels(IEnumerable<string> names, StringComparer comparer, Func<string, string> label)
        => names.Where(n => !string.IsNullOrWhiteSpace(n))
            .Select(n => n.Trim())
            .Where(n => n is not (Other or UnknownClient))
            .DistinctBy(n => n, comparer)
            .ToFrozenDictionary(n => n, label, comparer);
}
