using System.Diagnostics;
using Mem0Gateway.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Serilog.Events;
using Serilog.Parsing;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Logging;

/// <summary>
/// Writes one ECS line per proxied request, built straight into a Serilog event (no template parsing, no string
/// formatting on the request thread; the JSON is written by the batching sink). Never a body, header value other
/// than the user agent, raw personal id or unredacted query value.
/// </summary>
internal sealed class AccessLogObserver : IProxyRequestObserver
{
    /// <summary>Category of the access log in <c>Logging:LogLevel</c>: set it to Warning to log only 5xx.</summary>
    public const string Category = "Mem0Gateway.AccessLog";

    private static readonly LogEventPropertyValue DatasetValue = new ScalarValue(AccessLogFields.Dataset);
    private static readonly LogEventPropertyValue TrueValue = new ScalarValue(true);

    /// <summary>"GET /memories responded 200", from the event's own properties when the line is written.</summary>
    private static readonly MessageTemplate Message = new(
    [
        new PropertyToken(AccessLogFields.HttpRequestMethod, "{" + AccessLogFields.HttpRequestMethod + "}", "l"),
        new TextToken(" "),
        new PropertyToken(AccessLogFields.UrlPath, "{" + AccessLogFields.UrlPath + "}", "l"),
        new TextToken(" responded "),
        new PropertyToken(AccessLogFields.HttpResponseStatusCode, "{" + AccessLogFields.HttpResponseStatusCode + "}"),
    ]);

    private readonly Serilog.ILogger _log;
    private readonly ILogger _levelGate;
    private readonly RequestUrlRedactor _redactor;

    public AccessLogObserver(GatewayLogPipeline pipeline, ILoggerFactory loggerFactory, RequestUrlRedactor redactor)
    {
        _log = pipeline.Logger;
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
        var level = request.StatusCode >= 500 ? LogLevel.Warning : LogLevel.Information;
        if (!_levelGate.IsEnabled(level))
        {
            return;
        }

        var http = request.HttpContext;
        var route = request.Route;
        var properties = new List<LogEventProperty>(18)
        {
            new(AccessLogFields.EventDataset, DatasetValue),
            Scalar(AccessLogFields.EventDuration, request.Duration.Ticks * TimeSpan.NanosecondsPerTick),
            Scalar(AccessLogFields.HttpRequestMethod, http.Request.Method),
            Scalar(AccessLogFields.UrlPath, _redactor.RedactPath(route, http.Request.Path.Value ?? "/")),
            Scalar(AccessLogFields.HttpResponseStatusCode, request.StatusCode),
            Scalar(AccessLogFields.HttpRequestBodyBytes, request.RequestBodyBytes),
            Scalar(AccessLogFields.HttpResponseBodyBytes, request.ResponseBodyBytes),
            Scalar(AccessLogFields.Route, route.RouteId),
            Scalar(AccessLogFields.Operation, route.Operation),
            Scalar(AccessLogFields.Service, route.Service),
        };

        if (http.Request.QueryString.HasValue && _redactor.RedactQuery(http.Request.QueryString.Value) is { } query)
        {
            properties.Add(Scalar(AccessLogFields.UrlQuery, query));
        }

        if (request.DestinationId is { } destination)
        {
            properties.Add(Scalar(AccessLogFields.DestinationId, destination));
            if (http.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.Model.Config.Address is { } address)
            {
                properties.Add(Scalar(AccessLogFields.DestinationAddress, address));
            }
        }

        if (request.Error != UpstreamErrorKind.None)
        {
            properties.Add(Scalar(AccessLogFields.UpstreamError, request.Error.ToLabel()));
        }

        if (request.IsEventStream)
        {
            properties.Add(new LogEventProperty(AccessLogFields.EventStream, TrueValue));
        }

        if (http.Connection.RemoteIpAddress is { } ip)
        {
            properties.Add(Scalar(AccessLogFields.ClientIp, ip.ToString()));
        }

        if (http.Request.Headers.UserAgent is { Count: > 0 } userAgent)
        {
            properties.Add(Scalar(AccessLogFields.UserAgent, userAgent.ToString()));
        }

        var activity = http.Features.Get<IHttpActivityFeature>()?.Activity;
        _log.Write(new LogEvent(
            DateTimeOffset.UtcNow,
            level == LogLevel.Warning ? LogEventLevel.Warning : LogEventLevel.Information,
            exception: null,
            Message,
            properties,
            activity?.TraceId ?? default,
            activity?.SpanId ?? default));
    }

    private static LogEventProperty Scalar(string name, object? value) => new(name, new ScalarValue(value));
}
