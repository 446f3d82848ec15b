using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Proxy;

/// <summary>
/// First step of the YARP pipeline: once forwarding is over, classifies a failure while the route's timeout is still
/// observable, and answers the client with a problem+json body instead of YARP's empty 502/503/504.
/// </summary>
internal sealed class ForwarderOutcomeMiddleware
{
    private readonly RequestDelegate _next;
    private readonly GatewayProblemResponder _problems;

    public ForwarderOutcomeMiddleware(RequestDelegate next, GatewayProblemResponder problems)
    {
        _next = next;
        _problems = problems;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        await _next(context);

        var errorFeature = context.GetForwarderErrorFeature();
        var error = errorFeature is null
            ? UpstreamErrorKind.None
            : UpstreamErrorClassifier.Classify(errorFeature.Error, errorFeature.Exception);

        // The route timeout cancels the request token, which YARP reports as a cancellation: it was ours, not the client's.
        if (error == UpstreamErrorKind.ClientAbort
            && context.Features.Get<IHttpRequestTimeoutFeature>() is { RequestTimeoutToken.IsCancellationRequested: true })
        {
            error = UpstreamErrorKind.Timeout;
        }

        var destination = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId;
        context.Features.Get<ProxyRequestContext>()?.SetForwardingOutcome(error, destination);

        if (error is UpstreamErrorKind.None or UpstreamErrorKind.ClientAbort || context.Response.HasStarted)
        {
            return;
        }

        // Whatever YARP had copied from a failed upstream answer must not leak into ours.
        context.Response.Clear();
        var service = context.GetRouteModel().Config.ClusterId ?? "unknown";
        await (error switch
        {
            UpstreamErrorKind.NoDestination => _problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                "No upstream available", $"No healthy destination of service '{service}' is available."),
            UpstreamErrorKind.Timeout => _problems.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                "Upstream timed out", $"Service '{service}' did not answer in time."),
            _ => _problems.WriteAsync(context, StatusCodes.Status502BadGateway,
                "Upstream unreachable", $"Service '{service}' could not be reached ({error.ToLabel()})."),
        });
    }
}
