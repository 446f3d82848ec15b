using System.Diagnostics;
using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Mcp;

/// <summary>
/// YARP pipeline step for the three MCP routes (by their yarp.json operation): the SSE stream (sessions, result
/// correlation), the message POSTs (methods, tool calls) and the stateless HTTP endpoint (tool calls measured
/// directly). Every other route passes straight through.
/// </summary>
internal sealed class McpTrafficMiddleware
{
    private const string StreamOperation = "mcp_stream";
    private const string MessageOperation = "mcp_message";
    private const string HttpOperation = "mcp_http";

    /// <summary>Bytes of an HTTP-mode response kept to classify it (id, result or error, first text bytes).</summary>
    private const int ResponseHeadLimit = 2048;

    private readonly RequestDelegate _next;
    private readonly McpSessionRegistry _registry;
    private readonly McpMetrics _metrics;
    private readonly PersonalIdProtector _protector;
    private readonly ActiveUserEstimator? _activeUsers;
    private Settings _settings;

    public McpTrafficMiddleware(RequestDelegate next, McpSessionRegistry registry, McpMetrics metrics, PersonalIdProtector protector,
        IOptionsMonitor<McpOptions> options, IServiceProvider services)
    {
        _next = next;
        _registry = registry;
        _metrics = metrics;
        _protector = protector;
        _activeUsers = services.GetService<ActiveUserEstimator>();
        _settings = new Settings(options.CurrentValue);
        options.OnChange(changed => _settings = new Settings(changed));
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteDescriptor>() is not { } route)
        {
            return _next(context);
        }

        var method = context.Request.Method;
        return route.Operation switch
        {
            StreamOperation when HttpMethods.IsGet(method) => ForwardStreamAsync(context, route),
            MessageOperation when HttpMethods.IsPost(method) => ForwardMessageAsync(context, route),
            HttpOperation when HttpMethods.IsPost(method) => ForwardHttpAsync(context, route),
            _ => _next(context),
        };
    }

    private async Task ForwardStreamAsync(HttpContext context, ProxyRouteDescriptor route)
    {
        var settings = _settings;
        var client = settings.Labels.Client(context.GetRouteValue("client_name") as string);
        ulong? userHash = context.GetRouteValue("user_id") is string { Length: > 0 } userId ? _protector.Hash64(userId) : null;
        var span = Activity.Current;
        span?.SetTag(McpSpanAttributes.Client, client);
        var observer = new McpStreamObserver(context, client, userHash, _registry, _metrics, _protector,
            settings.MaxPendingCallsPerSession, span);
        try
        {
            await ForwardObservingResponseAsync(context, observer.Observe);
        }
        finally
        {
            observer.Close();
        }
    }

    /// <summary>Runs the rest of the pipeline with the response body passing through <paramref name="observe"/>, then
    /// puts the original body back.</summary>
    private async Task ForwardObservingResponseAsync(HttpContext context, WrittenBytesObserver observe)
    {
        var bodyFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
        context.Response.Body = new ObservingWriteStream(bodyFeature.Stream, observe);
        try
        {
            await _next(context);
        }
        finally
        {
            context.Features.Set(bodyFeature);
        }
    }

    private async Task ForwardMessageAsync(HttpContext context, ProxyRouteDescriptor route)
    {
        var start = Stopwatch.GetTimestamp();
        var settings = _settings;
        var session = QueryParameter.Find(context.Request.QueryString.Value, "session_id") is { } sessionId
            ? _registry.Find(_protector.Hash64(sessionId))
            : null;
        var client = session?.Client
            ?? (context.GetRouteValue("client_name") is string clientName ? settings.Labels.Client(clientName) : McpLabels.UnknownClient);
        if (session?.UserHash is { } userHash)
        {
            // The user of a message is only known through its session: this is how an SSE user counts as active.
            _activeUsers?.RecordHash(route.Service, userHash);
        }

        var messages = await ReadMessagesAsync(context, settings);
        if (messages is null)
        {
            _metrics.Message(client, McpLabels.UnparsedMethod);
            await _next(context);
            return;
        }

        List<(string Id, string Tool)>? pending = null;
        foreach (var message in messages)
        {
            var tool = CountMessage(client, message, settings);
            if (tool is null)
            {
                continue;
            }

            if (session is not null && message.IdKey is { } id && session.TryAddPending(id, tool, start))
            {
                (pending ??= []).Add((id, tool));
            }
            else
            {
                _metrics.ToolCallEnded(tool, client, ToolCallOutcome.Uncorrelated, null);
            }
        }

        SetSpan(client, messages, settings);
        await _next(context);

        if (pending is not null && ForwardingFailed(context, out var outcome))
        {
            // The upstream never accepted the message, so no result will come on the stream.
            foreach (var (id, tool) in pending)
            {
                if (session!.TryComplete(id, out _))
                {
                    _metrics.ToolCallEnded(tool, client, outcome, Stopwatch.GetElapsedTime(start));
                }
            }
        }
    }

    private async Task ForwardHttpAsync(HttpContext context, ProxyRouteDescriptor route)
    {
        var start = Stopwatch.GetTimestamp();
        var settings = _settings;
        var client = settings.Labels.Client(context.GetRouteValue("client_name") as string);
        var messages = await ReadMessagesAsync(context, settings);
        if (messages is null)
        {
            _metrics.Message(client, McpLabels.UnparsedMethod);
            await _next(context);
            return;
        }

        string? measuredTool = null;
        string? measuredId = null;
        foreach (var message in messages)
        {
            if (CountMessage(client, message, settings) is not { } tool)
            {
                continue;
            }

            if (messages.Length == 1 && message.IdKey is { } id)
            {
                (measuredTool, measuredId) = (tool, id);
            }
            else
            {
                _metrics.ToolCallEnded(tool, client, ToolCallOutcome.Uncorrelated, null);
            }
        }

        SetSpan(client, messages, settings);
        if (measuredTool is null)
        {
            await _next(context);
            return;
        }

        // One request, one response: keep the head of the response to classify it once it has been sent.
        var head = new ResponseHead(ResponseHeadLimit);
        await ForwardObservingResponseAsync(context, head.Append);

        var outcome = ForwardingFailed(context, out var failure)
            ? failure
            : head.Classify(context.Features.Get<ProxyRequestContext>()?.IsEventStream ?? false, measuredId!);
        _metrics.ToolCallEnded(measuredTool, client, outcome, Stopwatch.GetElapsedTime(start));
        if (outcome != ToolCallOutcome.Result)
        {
            Activity.Current?.SetTag(McpSpanAttributes.ErrorType, outcome.ToLabel());
        }
    }

    private async ValueTask<JsonRpcRequest[]?> ReadMessagesAsync(HttpContext context, Settings settings)
        => SmallJsonBody.IsPeekable(context.Request, settings.MaxBodyPeekBytes)
            ? await SmallJsonBody.PeekAsync(context.Request, settings.MaxBodyPeekBytes, JsonRpcRequestReader.Read)
            : null;

    /// <summary>Counts one message; returns the tool label when it is a tools/call.</summary>
    private string? CountMessage(string client, JsonRpcRequest message, Settings settings)
    {
        _metrics.Message(client, McpLabels.Method(message.Method));
        if (!message.IsToolCall)
        {
            return null;
        }

        var tool = settings.Labels.Tool(message.ToolName);
        _metrics.ToolCall(tool, client);
        return tool;
    }

    private static void SetSpan(string client, JsonRpcRequest[] messages, Settings settings)
    {
        if (messages.Length == 1 && Activity.Current is { } span)
        {
            var message = messages[0];
            McpSpanAttributes.SetMessage(span, client, McpLabels.Method(message.Method),
                message.IsToolCall ? settings.Labels.Tool(message.ToolName) : null);
        }
    }

    /// <summary>From the request's forwarding outcome: no JSON-RPC answer can have come back.</summary>
    private static bool ForwardingFailed(HttpContext context, out ToolCallOutcome outcome)
    {
        var forwarding = context.Features.Get<ProxyRequestContext>()?.Outcome ?? default;
        outcome = forwarding.Error == UpstreamErrorKind.Timeout ? ToolCallOutcome.Timeout : ToolCallOutcome.Error;
        return forwarding.IsFailure || forwarding.StatusCode >= 400;
    }

    private sealed class Settings(McpOptions options)
    {
        public McpLabels Labels { get; } = new(options);

        public int MaxBodyPeekBytes { get; } = options.MaxBodyPeekBytes;

        public int MaxPendingCallsPerSession { get; } = options.MaxPendingCallsPerSession;
    }
}
