namespace Mem0Gateway.Proxy;

/// <summary>Keys of the gateway's own entries in a route's or cluster's <c>Metadata</c> in yarp.json.</summary>
public static class RouteMetadataKeys
{
    /// <summary>Route metadata: the mem0 operation this route is (add, search, ...).</summary>
    public const string Operation = "Operation";

    /// <summary>
    /// Route metadata: the route is an MCP endpoint, and which kind: <c>streamable_http</c>, <c>sse_2024</c> (the GET
    /// stream) or <c>sse_2024_messages</c> (the POSTs that stream answers).
    /// </summary>
    public const string Mcp = "Mcp";

    /// <summary>Route metadata: "true" for long-lived event streams (MCP SSE).</summary>
    public const string Streaming = "Streaming";

    /// <summary>Cluster metadata: "true" to send the client's Host header upstream (OpenMemory builds absolute redirects from it).</summary>
    public const string PreserveHost = "PreserveHost";
}
