using System.Diagnostics;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Yarp.ReverseProxy.Transforms;

namespace Mem0Gateway.Tracing;

/// <summary>
/// The CLIENT span of each upstream call, written by the gateway rather than the runtime: the runtime's span comes with
/// a handler of its own around every forwarded request (an async layer, a second Activity and URL formatting), which
/// costs more than the span. This one starts as YARP sends the request, ends when the upstream's response headers
/// arrive (or, when the call fails, with the request), carries the HTTP client conventions with the redacted path and
/// query the SERVER span has, and is the parent the upstream hears in <c>traceparent</c>. <c>tracestate</c> and
/// <c>baggage</c> pass through as the client sent them.
/// </summary>
internal sealed class UpstreamSpans
{
    public const string SourceName = "Mem0Gateway.Upstream";

    private const string TraceParentHeader = "traceparent";

    private static readonly ActivitySource Source = new(SourceName);

    private readonly RequestUrlRedactor _redactor;

    public UpstreamSpans(RequestUrlRedactor redactor) => _redactor = redactor;

    public ValueTask Start(RequestTransformContext context)
    {
        if (context.HttpContext.Features.Get<ProxyRequestContext>() is not { Activity: { } server } request)
        {
            // Nothing observed this request: the upstream gets the client's trace headers as they came.
            return ValueTask.CompletedTask;
        }

        var current = Activity.Current;
        var client = Source.StartActivity(ActivityKind.Client, server.Context, name: HttpSpanConventions.VerbOf(request.Method));
        // The span covers the call only; the rest of the request stays under the SERVER span.
        Activity.Current = current;

        // An unrecorded trace still propagates: the upstream then hears the same trace, unsampled.
        var headers = context.ProxyRequest.Headers;
        headers.Remove(TraceParentHeader);
        headers.TryAddWithoutValidation(TraceParentHeader, (client ?? server).Id);
        if (client is null)
        {
            return ValueTask.CompletedTask;
        }

        request.UpstreamActivity = client;
        if (client.IsAllDataRequested)
        {
            var upstream = UpstreamAddress.Of(context.DestinationPrefix);
            HttpSpanConventions.AddMethod(client, request.Method, context.HttpContext.Request.Method);

            client.AddTag("server.address", upstream.Host);
            client.AddTag("server.port", upstream.Port);
            client.AddTag("url.full", FullUrl(upstream, request));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask End(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not { } response
            || context.HttpContext.Features.Get<ProxyRequestContext>() is not { UpstreamActivity: { IsStopped: false } client })
        {
            // No answer: the span ends with the request, which knows what failed.
            return ValueTask.CompletedTask;
        }

        if (client.IsAllDataRequested)
        {
            var status = (int)response.StatusCode;
            client.AddTag("network.protocol.version", HttpSpanConventions.ProtocolVersionOf(response.Version));
            client.AddTag("http.response.status_code", BoxedTagValues.StatusCode(status));
            if (status >= 400)
            {
                // A client span's 4xx is an error too: the call did not do what it was sent for.
                client.AddTag("error.type", StatusCodeLabels.ToLabel(status));
                client.SetStatus(ActivityStatusCode.Error);
            }
        }

        client.Stop();
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends a span whose call never got an answer, with what the request's outcome says went wrong.</summary>
    public static void EndUnanswered(ProxyRequestContext request)
    {
        if (request.UpstreamActivity is not { IsStopped: false } client)
        {
            return;
        }

        if (client.IsAllDataRequested && request.Outcome.IsFailure)
        {
            client.AddTag("error.type", request.Outcome.Error.ToLabel());
            client.SetStatus(ActivityStatusCode.Error);
        }

        client.Stop();
    }

    /// <summary>The destination's address with the path and query as the SERVER span shows them (ids tokenised,
    /// secret and free-text values removed).</summary>
    private string FullUrl(UpstreamAddress upstream, ProxyRequestContext request)
    {
        var path = _redactor.RedactPath(request);
        return _redactor.RedactQuery(request) is { } query
            ? string.Concat(upstream.UrlStart, path, "?", query)
            : string.Concat(upstream.UrlStart, path);
    }
}
