namespace Mem0Gateway.SessionAffinity;

/// <summary>Where MCP clients carry the session id the server gave them.</summary>
internal static class McpSessionIds
{
    /// <summary>Streamable HTTP: issued on the initialize response, echoed on every later request.</summary>
    public const string Header = "Mcp-Session-Id";

    /// <summary>2024 HTTP+SSE: the query parameter of the POST URL the <c>endpoint</c> event names (OpenMemory and the Python SDK; the C# SDK says sessionId).</summary>
    public static readonly string[] QueryParameters = ["session_id", "sessionId"];

    /// <summary>The session id the client sent, and where: the header, or the name of the query parameter.</summary>
    public static bool TryFind(HttpRequest request, out string id, out string? queryParameter)
    {
        if (request.Headers[Header] is [{ Length: > 0 } header])
        {
            id = header;
            queryParameter = null;
            return true;
        }

        if (request.QueryString.HasValue)
        {
            foreach (var name in QueryParameters)
            {
                if (request.Query[name] is [{ Length: > 0 } value])
                {
                    id = value;
                    queryParameter = name;
                    return true;
                }
            }
        }

        id = string.Empty;
        queryParameter = null;
        return false;
    }
}
