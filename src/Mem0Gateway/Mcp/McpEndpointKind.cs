namespace Mem0Gateway.Mcp;

/// <summary>What a route marked with <c>Mcp</c> metadata in yarp.json is.</summary>
public enum McpEndpointKind
{
    /// <summary>Not an MCP endpoint (or a value the gateway does not know: such a route is proxied unobserved).</summary>
    None,

    /// <summary><c>streamable_http</c>: one endpoint for POST, GET and DELETE (2025-03-26 on).</summary>
    StreamableHttp,

    /// <summary><c>sse_2024</c>: the 2024-11-05 GET stream whose <c>endpoint</c> event names the message URL.</summary>
    Sse2024Stream,

    /// <summary><c>sse_2024_messages</c>: the 2024-11-05 message POSTs, answered on the stream.</summary>
    Sse2024Messages,
}

public static class McpEndpointKinds
{
    public static McpEndpointKind Parse(string? metadata) => metadata switch
    {
        "streamable_http" => McpEndpointKind.StreamableHttp,
        "sse_2024" => McpEndpointKind.Sse2024Stream,
        "sse_2024_messages" => McpEndpointKind.Sse2024Messages,
        _ => McpEndpointKind.None,
    };
}
