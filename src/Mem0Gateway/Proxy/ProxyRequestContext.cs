using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Mem0Gateway.Proxy;

/// <summary>
/// The facts about one request that metrics, the access log, traces, passive health and MCP all report, with its
/// <see cref="Outcome"/> decided once so that they can never disagree.
/// </summary>
public sealed class ProxyRequestContext
{
    private static readonly Func<object, Task> ResponseStartingCallback = static state =>
    {
        var request = (ProxyRequestContext)state;
        request.ResponseStartedTimestamp = Stopwatch.GetTimestamp();
        foreach (var observer in request._observers)
        {
            observer.OnResponseStarting(request);
        }

        return Task.CompletedTask;
    };

    private readonly IProxyRequestObserver[] _observers;

    internal ProxyRequestContext(HttpContext httpContext, ProxyRouteDescriptor route, IProxyRequestObserver[] observers)
    {
        HttpContext = httpContext;
        Route = route;
        _observers = observers;
        Method = HttpMethodLabels.FromMethod(httpContext.Request.Method);
        Activity = httpContext.Features.Get<IHttpActivityFeature>()?.Activity;
        StartTimestamp = Stopwatch.GetTimestamp();
        if (observers.Length > 0)
        {
            httpContext.Response.OnStarting(ResponseStartingCallback, this);
        }
    }

    public HttpContext HttpContext { get; }

    public ProxyRouteDescriptor Route { get; }

    public HttpMethodLabel Method { get; }

    /// <summary>ASP.NET Core's activity for the request (the SERVER span when it is recorded), looked up once.</summary>
    public Activity? Activity { get; }

    /// <summary>The CLIENT span of the upstream call, when tracing started one; ended by the tracing feature.</summary>
    public Activity? UpstreamActivity { get; set; }

    public long StartTimestamp { get; }

    /// <summary>When the response headers went out; 0 if they never did.</summary>
    public long ResponseStartedTimestamp { get; private set; }

    public long EndTimestamp { get; private set; }

    /// <summary>How the request ended: who failed, the status the client got, the error value. Decided once.</summary>
    public ForwardingOutcome Outcome { get; private set; }

    /// <summary>The response is a <c>text/event-stream</c> (seen once, when the upstream's headers arrived): its
    /// lifetime is a session, not a latency.</summary>
    public bool IsEventStream { get; private set; }

    /// <summary>A UI's server-side call, by <see cref="ServerSideCallPolicy"/>; decided when the request starts.</summary>
    public bool IsServerSideCall { get; internal set; }

    /// <summary>
    /// The path as logs and spans may show it, kept by the first feature that redacted it so that no other redacts it
    /// again; null until then.
    /// </summary>
    public string? RedactedPath { get; set; }

    /// <summary>The query as logs and spans may show it, kept like <see cref="RedactedPath"/>.</summary>
    public string? RedactedQuery { get; set; }

    /// <summary>The YARP destination id the request went to, when one was chosen.</summary>
    public string? DestinationId { get; private set; }

    public TimeSpan Duration => Stopwatch.GetElapsedTime(StartTimestamp, EndTimestamp);

    public TimeSpan? TimeToFirstByte => ResponseStartedTimestamp == 0 ? null : Stopwatch.GetElapsedTime(StartTimestamp, ResponseStartedTimestamp);

    /// <summary>Bytes of request body read from the client; counted only while the access log is on.</summary>
    public long RequestBodyBytes { get; private set; }

    /// <summary>Bytes of response body written to the client; counted only while the access log is on.</summary>
    public long ResponseBodyBytes { get; private set; }

    internal void AddRequestBodyBytes(int count) => RequestBodyBytes += count;

    internal void AddResponseBodyBytes(int count) => ResponseBodyBytes += count;

    /// <summary>An upstream protocol fault noticed while its response headers were copied (an unasked 101).</summary>
    internal UpstreamErrorKind ProtocolFault { get; private set; }

    internal bool HasOutcome { get; private set; }

    internal void MarkEventStream() => IsEventStream = true;

    internal void MarkProtocolFault(UpstreamErrorKind fault) => ProtocolFault = fault;

    internal void SetOutcome(ForwardingOutcome outcome, string? destinationId = null)
    {
        Outcome = outcome;
        DestinationId = destinationId;
        HasOutcome = true;
    }

    internal void Complete() => EndTimestamp = Stopwatch.GetTimestamp();
}
