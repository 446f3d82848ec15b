namespace Mem0Gateway.Mcp;

/// <summary>
/// What the gateway takes from one JSON-RPC message a client sent: the method, the request id (as a correlation key,
/// null for notifications), <c>params.name</c> (the tool or prompt), and the client's self-description from
/// <c>initialize</c>'s <c>clientInfo</c> or a 2026-07-28 request's <c>_meta</c>. Arguments are never read.
/// </summary>
public readonly record struct JsonRpcRequest(string? Method, string? IdKey, string? Name,
    string? ClientName = null, string? ClientVersion = null, string? ProtocolVersion = null)
{
    public const string ToolsCall = "tools/call";
    public const string Initialize = "initialize";

    public bool IsToolCall => Method == ToolsCall;

    /// <summary>The tool of a tools/call; null for every other method.</summary>
    public string? ToolName => IsToolCall ? Name : null;

    /// <summary>A request expects an answer; a notification (no id) does not.</summary>
    public bool IsRequest => IdKey is not null;
}
