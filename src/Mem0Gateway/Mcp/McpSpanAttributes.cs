using System.Diagnostics;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Span names and attributes of the OpenTelemetry MCP semantic conventions (Development status). Values are bounded
/// labels or keyed tokens; the arguments, the user id and the raw session id are never set.
/// </summary>
internal static class McpSpanAttributes
{
    /// <summary>The gateway's own source of MCP spans: one per JSON-RPC request it sees.</summary>
    public const string SourceName = "Mem0Gateway.Mcp";

    public const string MethodName = "mcp.method.name";
    public const string SessionId = "mcp.session.id";
    public const string ProtocolVersion = "mcp.protocol.version";
    public const string RequestId = "jsonrpc.request.id";
    public const string ToolName = "gen_ai.tool.name";
    public const string OperationName = "gen_ai.operation.name";
    public const string ErrorType = "error.type";
    public const string ExecuteTool = "execute_tool";

    /// <summary>Not a convention: the client-app label, namespaced as the conventions ask of custom attributes.</summary>
    public const string Client = "mem0.mcp.client";

    /// <summary>Not a convention: the transport label (<c>sse_2024</c>, <c>streamable_http</c>).</summary>
    public const string Transport = "mem0.mcp.transport";

    /// <summary><c>{mcp.method.name} {target}</c>: the tool for tools/call, otherwise the method alone.</summary>
    public static string SpanName(string method, string? tool) => tool is null ? method : method + " " + tool;

    /// <summary>The request id as the conventions want it, a string: the correlation key without its type prefix.</summary>
    public static string RequestIdValue(string idKey) => idKey.Length > 2 && idKey[1] == ':' ? idKey[2..] : idKey;

    public static void SetError(Activity span, string errorType)
    {
        span.SetTag(ErrorType, errorType);
        span.SetStatus(ActivityStatusCode.Error);
    }
}
