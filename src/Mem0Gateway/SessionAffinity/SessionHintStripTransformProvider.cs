using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Mem0Gateway.SessionAffinity;

/// <summary>
/// On clusters with <see cref="McpSessionHintPolicy"/>: takes the verified hint off the session id before the request
/// is forwarded, so the upstream gets exactly the id it issued. The client-facing request is left as it came, so the
/// gateway's own MCP tracking sees the id the client holds.
/// </summary>
internal sealed class SessionHintStripTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Cluster?.SessionAffinity is { Enabled: true } affinity
            && string.Equals(affinity.Policy, McpSessionHintPolicy.PolicyName, StringComparison.Ordinal))
        {
            context.RequestTransforms.Add(new RequestFuncTransform(StripHint));
        }
    }

    private static ValueTask StripHint(RequestTransformContext context)
    {
        if (context.HttpContext.Features.Get<SessionHintFeature>() is { } hint)
        {
            if (hint.QueryParameter is { } name)
            {
                context.Query.Collection[name] = hint.UpstreamId;
            }
            else
            {
                context.ProxyRequest.Headers.Remove(McpSessionIds.Header);
                context.ProxyRequest.Headers.TryAddWithoutValidation(McpSessionIds.Header, hint.UpstreamId);
            }
        }

        return default;
    }
}
