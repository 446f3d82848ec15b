namespace Mem0Gateway.Mcp;

/// <summary>MCP session and tool-call metrics (<c>Gateway:Mcp</c>).</summary>
public sealed class McpOptions
{
    public const string SectionName = "Gateway:Mcp";

    public bool Enabled { get; set; } = true;

    /// <summary>Client apps (the <c>{client_name}</c> path segment, or clientInfo's name) that get their own <c>client</c> label; anything else is <c>other</c>.</summary>
    public List<string> Clients { get; set; } = [];

    /// <summary>Client versions (from clientInfo) that get their own <c>client_version</c> label; anything else is <c>other</c>.</summary>
    public List<string> ClientVersions { get; set; } = [];

    /// <summary>A Streamable HTTP session with no request and no open stream for this long is counted as ended.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Tool names that get their own <c>tool</c> label; anything else is <c>other</c>.</summary>
    public List<string> Tools { get; set; } = [];

    /// <summary>JSON-RPC message bodies with a Content-Length at most this size are parsed; larger ones count as <c>unparsed</c>.</summary>
    public int MaxBodyPeekBytes { get; set; } = 64 * 1024;

    /// <summary>A tools/call whose result has not arrived on the stream after this long is counted as <c>timeout</c>.</summary>
    public TimeSpan ToolCallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Open SSE sessions remembered for correlation; beyond this, messages of new sessions count as client <c>unknown</c>.</summary>
    public int MaxTrackedSessions { get; set; } = 10_000;

    /// <summary>Unanswered tool calls remembered per session; beyond this, new calls are <c>uncorrelated</c>.</summary>
    public int MaxPendingCallsPerSession { get; set; } = 256;
}
