namespace Mem0Gateway.SessionAffinity;

/// <summary>A request's verified hint, found once by the affinity policy and used again to strip it before forwarding.</summary>
internal sealed class SessionHintFeature(string upstreamId, string? queryParameter)
{
    /// <summary>The id as the upstream issued it.</summary>
    public string UpstreamId { get; } = upstreamId;

    /// <summary>The query parameter that carried the id; null when it came in the <c>Mcp-Session-Id</c> header.</summary>
    public string? QueryParameter { get; } = queryParameter;
}
