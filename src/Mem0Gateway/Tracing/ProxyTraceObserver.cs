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

    private static readonly RouteFeatureSlot<RouteSpanFacts> FactsSlot = new();

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
        var facts = route.GetOrAdd(FactsSlot, 0, static (route, _) => new RouteSpanFacts(route));
        var httpRequest = context.Request;
        activity.DisplayName = facts.NameOf(request.Method);

        // First, so that ProxyTrafficOnlyProcessor finds it at the head of the tag list when the span ends.
        activity.AddTag(ProxyTrafficOnlyProcessor.ProxyTrafficTag, route.Service);

        // The HTTP server conventions, which ASP.NET Core's own span leaves to an instrumentation: written here, where
        // the route is known, with values that need no formatting.
        HttpSpanConventions.AddMethod(activity, request.Method, httpRequest.Method);

        activity.AddTag("url.scheme", httpRequest.Scheme);
        var host = httpRequest.Host;
        if (host.HasValue)
        {
            activity.AddTag("server.address", host.Host);
            if (host.Port is { } port)
            {
                activity.AddTag("server.port", port == route.ListenerPort ? facts.ListenerPort : port);
            }
        }

        activity.AddTag("network.protocol.version", HttpSpanConventions.ProtocolVersionOf(httpRequest.Protocol));
        if (httpRequest.Headers.UserAgent is [{ } userAgent])
        {
            activity.AddTag("user_agent.original", userAgent);
        }

        if (_redactor.RedactQuery(request) is { } query)
        {
            // The logs' redaction: ids become their tokens, anything that may be memory text or a secret is removed.
            activity.AddTag("url.query", query);
        }

        if (request.IsServerSideCall)
        {
            activity.AddTag("mem0.caller", ServerSideCallPolicy.CallerLabel);
        }

        // The path as the access log writes it: a personal segment of the route's template is a keyed token, and a
        // path without one (an unmatched request's included) is the request's own string.
        var path = _redactor.RedactPath(request);
        activity.AddTag("url.path", path);
        if (!route.IsProxied)
        {
            // No route: OTel conventions forbid a raw path in http.route or the name.
            return;
        }

        activity.AddTag("http.route", route.Template);
        activity.AddTag("mem0.route", route.RouteId);
        activity.AddTag("mem0.operation", route.Operation);
        if (GenAiMemoryOperation.Of(route.Operation) is { } memoryOperation)
        {
            activity.AddTag(GenAiMemoryOperation.OperationName, memoryOperation);
            if (context.GetRouteValue("memory_id") is string { Length: > 0 } memoryId)
            {
                activity.AddTag(GenAiMemoryOperation.RecordId, memoryId);
            }
        }
    }

    public void OnRequestCompleted(ProxyRequestContext request)
    {
        UpstreamSpans.EndUnanswered(request);
        var activity = request.Activity;
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        if (request.DestinationId is { } destination)
        {
            activity.AddTag("mem0.destination", destination);
        }

        var outcome = request.Outcome;
        activity.AddTag("http.response.status_code", BoxedTagValues.StatusCode(request.HttpContext.Response.StatusCode));
        if (outcome.IsFailure)
        {
            activity.AddTag("error.type", outcome.Error.ToLabel());
            activity.AddTag("mem0.blame", outcome.Blame.ToLabel());
            if (outcome.Blame != ForwardingBlame.Client)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
        else if (request.HttpContext.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            // A server span's 5xx is an error by the HTTP conventions, whoever answered it.
            activity.SetStatus(ActivityStatusCode.Error);
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
