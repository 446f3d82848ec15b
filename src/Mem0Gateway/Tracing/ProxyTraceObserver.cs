using System.Diagnostics;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Tracing;

/// <summary>
/// Puts the route, mem0 operation and service on each proxied request's SERVER span, keeps personal ids out of its
/// <c>url.path</c>, and hands the trace id back to the client in <c>X-Trace-Id</c> and W3C <c>traceresponse</c>.
/// </summary>
internal sealed class ProxyTraceObserver : IProxyRequestObserver
{
    public const string TraceIdHeader = "X-Trace-Id";
    public const string TraceResponseHeader = "traceresponse";
    private const string ExposedHeaders = TraceIdHeader + ", " + TraceResponseHeader;

    private readonly RequestUrlRedactor _redactor;

    public ProxyTraceObserver(RequestUrlRedactor redactor) => _redactor = redactor;

    public void OnRequestStarted(ProxyRequestContext request)
    {
        var context = request.HttpContext;
        var activity = request.Activity;
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        var route = request.Route;
        activity.SetTag("mem0.service", route.Service);
        if (request.IsServerSideCall)
        {
            activity.SetTag("mem0.caller", ServerSideCallPolicy.CallerLabel);
        }
        if (!route.IsProxied)
        {
            // No route: OTel conventions forbid a raw path in http.route; the span stays named "{METHOD}".
            return;
        }

        activity.SetTag("http.route", route.Template);
        activity.SetTag("mem0.route", route.RouteId);
        activity.SetTag("mem0.operation", route.Operation);
        if (GenAiMemoryOperation.Of(route.Operation) is { } memoryOperation)
        {
            activity.SetTag(GenAiMemoryOperation.OperationName, memoryOperation);
            if (context.GetRouteValue("memory_id") is string { Length: > 0 } memoryId)
            {
                activity.SetTag(GenAiMemoryOperation.RecordId, memoryId);
            }
        }
        if (_redactor.HasPersonalSegments(route))
        {
            var path = _redactor.RedactPath(route, context.Request.Path.Value ?? string.Empty);
            activity.SetTag("url.path", path);
            activity.SetCustomProperty(RedactedRequestPath.PropertyName, new RedactedRequestPath(_redactor, path));
        }
    }

    public void OnRequestCompleted(ProxyRequestContext request)
    {
        var activity = request.Activity;
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        if (request.DestinationId is { } destination)
        {
            activity.SetTag("mem0.destination", destination);
        }

        var outcome = request.Outcome;
        if (outcome.IsFailure)
        {
            activity.SetTag("error.type", outcome.Error.ToLabel());
            activity.SetTag("mem0.blame", outcome.Blame.ToLabel());
            if (outcome.Blame != ForwardingBlame.Client)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    /// <summary>Set when the headers go out, so an upstream's own trace headers cannot replace the gateway's.</summary>
    public void OnResponseStarting(ProxyRequestContext request)
    {
        if (request.Activity is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            var headers = request.HttpContext.Response.Headers;
            headers[TraceIdHeader] = activity.TraceId.ToHexString();
            // version-traceid-spanid-flags of the gateway's server span; flags say whether the trace was recorded.
            headers[TraceResponseHeader] = activity.Id;
            if (headers.AccessControlAllowOrigin.Count != 0)
            {
                // Browser scripts read only the headers CORS exposes; the trace id is what a user reports.
                headers.Append(Microsoft.Net.Http.Headers.HeaderNames.AccessControlExposeHeaders, ExposedHeaders);
            }
        }
    }
}
