using Yarp.ReverseProxy.SessionAffinity;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Mem0Gateway.SessionAffinity;

public static class SessionAffinityServiceCollectionExtensions
{
    /// <summary>
    /// MCP session affinity without shared state: a cluster opts in with
    /// <c>"SessionAffinity": { "Enabled": true, "Policy": "McpSessionHint", "FailurePolicy": "McpSessionGone", "AffinityKeyName": "Mcp-Session-Id" }</c>.
    /// </summary>
    public static IServiceCollection AddGatewaySessionAffinity(this IServiceCollection services)
    {
        services.AddSingleton<SessionHintCodec>();
        services.AddSingleton<ISessionAffinityPolicy, McpSessionHintPolicy>();
        services.AddSingleton<IAffinityFailurePolicy, McpSessionGonePolicy>();
        services.AddSingleton<ITransformProvider, SessionHintStripTransformProvider>();
        return services;
    }
}
