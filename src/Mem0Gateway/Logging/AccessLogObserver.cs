using System.Diagnostics;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Serilog.Events;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Logging;

/// <summary>
/// Writes one ECS line per proxied request: an <see cref="AccessLogEntry"/> of plain values, queued for the log writer
/// thread (no Serilog event, no string formatting on the request thread). Never a body, header value other than the
/// user agent, raw personal id or unredacted query value.
/// </summary>
internal sealed class AccessLogObserver : IProxyRequestObserver
{
    /// <summary>Category of the access log in <c>Logging:LogLevel</c>: set it to Warning to log only 5xx.</summary>
    public const string Category = "Mem0Gateway.AccessLog";

    private readonly GatewayLogPipeline _log;
    private readonly ILogger _levelGate;
    private readonly RequestUrlRedactor _redactor;

    public AccessLogObserver(GatewayLogPipeline pipeline, ILoggerFactory loggerFactory, RequestUrlRedactor redactor)
    {
        _log = pipeline;
        _levelGate = loggerFactory.CreateLogger(Category);
        _redactor = redactor;
    }

    public void OnRequestStarted(ProxyRequestContext request)
    {
        if (!_levelGate.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var http = request.HttpContext;
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            http.Request.Body = ByteCountingStream.ForRequest(http.Request.Body, request);
        }

        http.Response.Body = ByteCountingStream.ForResponse(http.Response.Body, request);
    }

    public void OnRequestCompleted(ProxyRequestContext request)
    {
        var outcome = request.Outcome;
        var level = outcome.StatusCode >= 500 || outcome.ResponseBroken ? LogLevel.Warning : LogLevel.Information;
        if (!_levelGate.IsEnabled(level))
        {
            return;
        }

        var http = request.HttpContext;
        var route = request.Route;
        var activity = request.Activity;
        _log.Write(new AccessLogEntry
        {
            Timestamp = DateTimeOffset.UtcNow,
            Level = level == LogLevel.Warning ? LogEventLevel.Warning : LogEventLevel.Information,
            TraceId = activity?.TraceId ?? default,
            SpanId = activity?.SpanId ?? default,
            Method = http.Request.Method,
            Path = _redactor.RedactPath(request),
            StatusCode = outcome.StatusCode,
            DurationNanoseconds = request.Duration.Ticks * TimeSpan.NanosecondsPerTick,
            RequestBodyBytes = request.RequestBodyBytes,
            ResponseBodyBytes = request.ResponseBodyBytes,
            RouteId = route.RouteId,
            Operation = route.Operation,
            Service = route.Service,
            Query = _redactor.RedactQuery(request),
            DestinationId = request.DestinationId,
            DestinationAddress = request.DestinationId is null
                ? null
                : http.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.Model.Config.Address,
            UpstreamError = outcome.IsFailure ? outcome.Error.ToLabel() : null,
            Blame = outcome.IsFailure ? outcome.Blame.ToLabel() : null,
            ResponseBroken = outcome.ResponseBroken,
            IsEventStream = request.IsEventStream,
            ClientIp = http.Connection.RemoteIpAddress,
            UserAgent = http.Request.Headers.UserAgent is { Count: > 0 } userAgent ? userAgent.ToString() : null,
            Caller = request.IsServerSideCall ? ServerSideCallPolicy.CallerLabel : null,
        });
    }
}
