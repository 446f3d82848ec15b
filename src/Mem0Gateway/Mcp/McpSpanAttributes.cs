using System.Diagnostics;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Span attributes of the OpenTelemetry MCP semantic conventions. Values are bounded labels or keyed tokens; the
/// arguments, the user id and the raw session id are never set.
/// </summary>
internal static class McpSpanAttributes
{
    public const string MethodName = "mcp.method.name";
    public const string SessionId = "mcp.session.id";
    public const string ToolName = "gen_ai.tool.name";
    public const string OperationName = "gen_ai.operation.name";
    public const string ErrorType = "error.type";

    /// <summary>Not a convention: the client-app label, namespaced as the conventions ask of custom attributes.</summary>
    public const string Client = "mem0.mcp.client";

    public static void SetMessage(Activity? span, string client, string method, string? tool)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(Client, client);
        span.SetTag(MethodName, method);
        if (tool is not null)
        {
            span.SetTag(OperationName, "execute_tool");
            span.SetTag(ToolName, tool);
        }
    }
}
