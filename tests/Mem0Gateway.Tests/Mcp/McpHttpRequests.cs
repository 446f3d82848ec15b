using System.Text;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>Hand-written Streamable HTTP requests, as a client of the named protocol version sends them.</summary>
internal static class McpHttpRequests
{
    public static HttpRequestMessage Post(string json, string? sessionId, string protocolVersion, string path = "/sdk")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
            request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        }

        return request;
    }
}
