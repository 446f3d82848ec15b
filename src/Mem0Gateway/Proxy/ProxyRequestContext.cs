using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Mem0Gateway.Proxy;

/// <summary>
/// The facts about one request that metrics, the access log and traces all report, classified once when the
/// request completes so that they can never disagree.
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
        httpContext.Response.OnStarting(ResponseStartingCallback, this);
    }

    public HttpContext HttpContext { get; }

    public ProxyRouteDescriptor Route { get; }

    public HttpMethodLabel Method { get; }

    /// <summary>ASP.NET Core's activity for the request (the SERVER span when it is recorded), looked up once.</summary>
    public Activity? Activity { get; }

    public long StartTimestamp { get; }

    /// <summary>When the response headers went out; 0 if they never did.</summary>
    public long ResponseStartedTimestamp { get; private set; }

    public long EndTimestamp { get; private set; }

    /// <summary>The status the client saw, or 499 when the client went away first.</summary>
    public int StatusCode { get; private set; }

    public UpstreamErrorKind Error { get; private set; }

    /// <summary>The response was a <c>text/event-stream</c>: its lifetime is a session, not a latency.</summary>
    public bool IsEventStream { get; private set; }

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

    /// <summary>How forwarding went, as seen inside the proxy pipeline while timeouts were still live.</summary>
    internal UpstreamErrorKind UpstreamError { get; private set; }

    internal void SetForwardingOutcome(UpstreamErrorKind error, string? destinationId)
    {
        UpstreamError = error;
        DestinationId = destinationId;
    }

    internal void Complete(int statusCode, UpstreamErrorKind error, bool isEventStream)
    {
        EndTimestamp = Stopwatch.GetTimestamp();
        StatusCode = statusCode;
        Error = error;
        IsEventStream = isEventStream;
    }
}
