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

    /// <summary>The transport labels.</summary>
    public const string Sse2024Transport = "sse_2024";
    public const string StreamableHttpTransport = "streamable_http";

    /// <summary>A message body that could not be read as JSON-RPC (too large, chunked, not JSON).</summary>
    public const string UnparsedMethod = "unparsed";

    /// <summary>The JSON-RPC methods of MCP 2024-11-05 and 2025-03-26 a client sends; other method names count as <c>other</c>.</summary>
    private static readonly string[] Methods =
    [
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
        "notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed",
        // 2026-07-28
        "server/discover", "subscriptions/listen",
    ];

    private static readonly FrozenDictionary<string, string> MethodLabels = Methods.ToFrozenDictionary(m => m, m => m, StringComparer.Ordinal);

    private readonly FrozenDictionary<string, string> _clients;
    private readonly FrozenDictionary<string, string> _tools;
    private readonly FrozenDictionary<string, string> _clientVersions;

    public McpLabels(McpOptions options)
    {
        // Client apps are path segments users type ("Claude", "claude"): one lower-case label. Tool names are exact.
        _clients = ToLabels(options.Clients, StringComparer.OrdinalIgnoreCase, n => n.ToLowerInvariant());
        _tools = ToLabels(options.Tools, StringComparer.Ordinal, n => n);
        _clientVersions = ToLabels(options.ClientVersions, StringComparer.Ordinal, n => n);
    }

    public string Client(string? name) => name is not null && _clients.TryGetValue(name, out var label) ? label : Other;

    /// <summary>True when <paramref name="name"/> has its own client label.</summary>
    private bool IsKnownClient(string? name) => name is not null && _clients.ContainsKey(name);

    /// <summary>
    /// The client label of a request: the first allow-listed name among the path's <c>{client_name}</c>, the session's
    /// label and the request's own clientInfo; <c>other</c> when names were given but none is allowed, <c>unknown</c>
    /// when there was none.
    /// </summary>
    public string ResolveClient(string? pathName, string? sessionLabel, string? clientInfoName)
    {
        if (IsKnownClient(pathName))
        {
            return _clients[pathName!];
        }

        if (sessionLabel is not null && !ReferenceEquals(sessionLabel, Other) && !ReferenceEquals(sessionLabel, UnknownClient))
        {
            return sessionLabel;
        }

        if (IsKnownClient(clientInfoName))
        {
            return _clients[clientInfoName!];
        }

        return sessionLabel ?? (pathName is not null || clientInfoName is not null ? Other : UnknownClient);
    }

    public string ClientVersion(string? version)
        => version is null ? UnknownClient : _clientVersions.TryGetValue(version, out var label) ? label : Other;

    public string Tool(string? name) => name is not null && _tools.TryGetValue(name, out var label) ? label : Other;

    public static string Method(string? method) => method is not null && MethodLabels.TryGetValue(method, out var label) ? label : Other;

    private static FrozenDictionary<string, string> ToLabels(IEnumerable<string> names, StringComparer comparer, Func<string, string> label)
        => names.Where(n => !string.IsNullOrWhiteSpace(n))
            .Select(n => n.Trim())
            .Where(n => n is not (Other or UnknownClient))
            .DistinctBy(n => n, comparer)
            .ToFrozenDictionary(n => n, label, comparer);
}
