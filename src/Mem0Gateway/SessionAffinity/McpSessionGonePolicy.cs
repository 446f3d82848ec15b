using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.SessionAffinity;

namespace Mem0Gateway.SessionAffinity;

/// <summary>
/// Answers a request whose session lived on a destination that is gone (removed, or unhealthy) the way an MCP server
/// answers an unknown session: 404, so the client initialises a new session instead of retrying a dead one. Sending it
/// to another destination instead would reach a server that never heard of the session.
/// </summary>
public sealed class McpSessionGonePolicy : IAffinityFailurePolicy
{
    public const string PolicyName = "McpSessionGone";

    private static readonly byte[] StreamableBody = """{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}"""u8.ToArray();
    private static readonly byte[] LegacyBody = "Could not find session"u8.ToArray();

    public string Name => PolicyName;

    public async Task<bool> Handle(HttpContext context, ClusterState cluster, AffinityStatus affinityStatus)
    {
        var streamable = context.Request.Headers.ContainsKey(McpSessionIds.Header);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = streamable ? "application/json" : "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(streamable ? StreamableBody : LegacyBody, context.RequestAborted);
        return false;
    }
}
