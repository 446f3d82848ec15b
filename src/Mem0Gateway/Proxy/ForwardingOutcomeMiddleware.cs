using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Innermost step of the YARP pipeline, right around the forwarder: refuses what cannot be forwarded, decides the
/// request's <see cref="ForwardingOutcome"/> the moment forwarding ends (while the route timeout is still observable
/// and before passive health, MCP and the observers read it), and answers a failure that left the response unstarted
/// with a problem+json body instead of YARP's empty 502/503/504.
/// </summary>
internal sealed class ForwardingOutcomeMiddleware
{
    private readonly RequestDelegate _next;
    private readonly GatewayProblemResponder _problems;

    public ForwardingOutcomeMiddleware(RequestDelegate next, GatewayProblemResponder problems)
    {
        _next = next;
        _problems = problems;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Features.Get<ProxyRequestContext>();
        if (HttpMethods.IsConnect(context.Request.Method) && !ForwardingOutcomePolicy.IsUpgradeRequest(context))
        {
            // A tunnel request: HttpClient cannot forward it, and a reverse proxy must not open tunnels for clients.
            request?.SetOutcome(new ForwardingOutcome(UpstreamErrorKind.ClientMethodNotAllowed, StatusCodes.Status405MethodNotAllowed, false));
            context.Response.Headers.Allow = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
            return _problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed", "The gateway does not forward CONNECT.");
        }

        return ForwardAsync(context, request);
    }

    private async Task ForwardAsync(HttpContext context, ProxyRequestContext? request)
    {
        await _next(context);

        var destination = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId;
        var outcome = ForwardingOutcomePolicy.Decide(context, destination is not null, threw: false,
            request?.ProtocolFault ?? UpstreamErrorKind.None, request?.IsEventStream ?? false);
        request?.SetOutcome(outcome, destination);

        if (outcome.Error is UpstreamErrorKind.None or UpstreamErrorKind.ClientAbort or UpstreamErrorKind.Upstream5xx
            || context.Response.HasStarted)
        {
            return;
        }

        // Whatever YARP had copied from a failed upstream answer must not leak into ours.
        context.Response.Clear();
        var service = context.GetRouteModel().Config.ClusterId ?? "unknown";
        var status = outcome.StatusCode;
        await (outcome.Error switch
        {
            UpstreamErrorKind.NoDestination => _problems.WriteAsync(context, status,
                "No upstream available", $"No healthy destination of service '{service}' is available."),
            UpstreamErrorKind.Timeout => _problems.WriteAsync(context, status,
                "Upstream timed out", $"Service '{service}' did not answer in time."),
            UpstreamErrorKind.ClientBadHeader => _problems.WriteAsync(context, status,
                "Bad request", "A request header value holds bytes that cannot be forwarded (only ASCII is allowed)."),
            UpstreamErrorKind.ClientBadBody => _problems.WriteAsync(context, status,
                "Bad request", "The request body could not be read as HTTP."),
            UpstreamErrorKind.UnexpectedUpgrade or UpstreamErrorKind.InvalidResponse => _problems.WriteAsync(context, status,
                "Bad upstream answer", $"Service '{service}' answered with invalid HTTP ({outcome.Error.ToLabel()})."),
            _ => _problems.WriteAsync(context, status,
                "Upstream unreachable", $"Service '{service}' could not be reached ({outcome.Error.ToLabel()})."),
        });
    }
}
