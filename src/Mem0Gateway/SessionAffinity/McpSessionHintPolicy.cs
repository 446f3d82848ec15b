using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.SessionAffinity;

namespace Mem0Gateway.SessionAffinity;

/// <summary>
/// Decides which destination holds an MCP session, from the hint the gateway put on the session id it gave the
/// client (<see cref="SessionHintCodec"/>): no shared state, so any replica routes any session. A request without a
/// verified hint is balanced normally; a verified hint naming a destination that is gone or unhealthy is a
/// <see cref="AffinityStatus.DestinationNotFound"/>, answered by <see cref="McpSessionGonePolicy"/>.
/// On the way back, ids the upstream issues get the hint of the destination that answered.
/// </summary>
public sealed class McpSessionHintPolicy(SessionHintCodec codec) : ISessionAffinityPolicy
{
    public const string PolicyName = "McpSessionHint";

    public string Name => PolicyName;

    public AffinityResult FindAffinitizedDestinations(HttpContext context, ClusterState cluster, SessionAffinityConfig config, IReadOnlyList<DestinationState> destinations)
    {
        if (!McpSessionIds.TryFind(context.Request, out var clientId, out var queryParameter)
            || codec.Read(cluster.ClusterId, clientId, out var upstreamId, out var destinationId) != SessionHint.Verified)
        {
            return new AffinityResult(null, AffinityStatus.AffinityKeyNotSet);
        }

        context.Features.Set(new SessionHintFeature(upstreamId, queryParameter));
        for (var i = 0; i < destinations.Count; i++)
        {
            if (string.Equals(destinations[i].DestinationId, destinationId, StringComparison.Ordinal))
            {
                return new AffinityResult(destinations[i], AffinityStatus.OK);
            }
        }

        return new AffinityResult(null, AffinityStatus.DestinationNotFound);
    }

    public ValueTask<AffinityResult> FindAffinitizedDestinationsAsync(HttpContext context, ClusterState cluster, SessionAffinityConfig config,
        IReadOnlyList<DestinationState> destinations, CancellationToken cancellationToken)
        => new(FindAffinitizedDestinations(context, cluster, config, destinations));

    public void AffinitizeResponse(HttpContext context, ClusterState cluster, SessionAffinityConfig config, DestinationState destination)
    {
        var response = context.Response;

        // Streamable HTTP: the id is issued (and may be repeated) in the response header.
        if (response.Headers[McpSessionIds.Header] is [{ Length: > 0 } issued])
        {
            response.Headers[McpSessionIds.Header] = codec.AddHint(cluster.ClusterId, destination.DestinationId, issued);
            return;
        }

        // 2024 HTTP+SSE: the id is inside the stream's first event. Only a new stream (a GET without a session) has one.
        if (HttpMethods.IsGet(context.Request.Method)
            && response.StatusCode == StatusCodes.Status200OK
            && response.ContentType is { } contentType && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Headers.ContainsKey(McpSessionIds.Header))
        {
            var clusterId = cluster.ClusterId;
            var destinationId = destination.DestinationId;
            response.Body = new EndpointEventRewriteStream(response.Body, upstreamId => codec.AddHint(clusterId, destinationId, upstreamId));
        }
    }

    public ValueTask AffinitizeResponseAsync(HttpContext context, ClusterState cluster, SessionAffinityConfig config, DestinationState destination,
        CancellationToken cancellationToken)
    {
        AffinitizeResponse(context, cluster, config, destination);
        return default;
    }
}
