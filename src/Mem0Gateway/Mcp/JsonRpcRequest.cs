namespace Mem0Gateway.Mcp;

/// <summary>
/// What the gateway takes from one JSON-RPC message a client sent: the method, the request id (as a correlation key,
/// null for notifications) and, for tools/call, the tool name. Arguments are never read.
/// </summary>
public readonly record struct JsonRpcRequest(string? Method, string? IdKey, string? ToolName)
{
    public bool IsToolCall => Method == "tools/call";
}
