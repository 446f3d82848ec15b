using System.Diagnostics;
using Mem0Gateway.Proxy;
using Microsoft.AspNetCore.Http.Features;

namespace Mem0Gateway.Mcp;

/// <summary>
/// YARP pipeline step for the routes whose yarp.json metadata marks them as MCP endpoints (<c>"Mcp"</c>): Streamable
/// HTTP (POST, GET, DELETE), the 2024 SSE stream and its message POSTs. It counts messages, tool calls and sessions,
/// and makes one span per JSON-RPC request, without holding back a byte. Every other route passes straight through.
/// </summary>
internal sealed class McpTrafficMiddleware
{
    private readonly RequestDelegate _next;
    private readonly McpTraffic _traffic;

    public McpTrafficMiddleware(RequestDelegate next, McpTraffic traffic)
    {
        _next = next;
        _traffic = traffic;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteDescriptor>() is not { Mcp: { } mcp } route)
        {
            return _next(context);
        }

        var method = context.Request.Method;
        return McpEndpointKinds.Parse(mcp) switch
        {
            McpEndpointKind.Sse2024Stream when HttpMethods.IsGet(method) => ForwardSseStreamAsync(context),
            McpEndpointKind.Sse2024Messages when HttpMethods.IsPost(method) => ForwardSseMessageAsync(context, route),
            McpEndpointKind.StreamableHttp when HttpMethods.IsPost(method) => ForwardStreamablePostAsync(context, route),
            McpEndpointKind.StreamableHttp when HttpMethods.IsGet(method) => ForwardStreamableGetAsync(context),
            McpEndpointKind.StreamableHttp when HttpMethods.IsDelete(method) => ForwardStreamableDeleteAsync(context),
            _ => _next(context),
        };
    }

    private async Task ForwardSseStreamAsync(HttpContext context)
    {
        // The path names the client (OpenMemory); a stream without one learns it from its first message.
        var client = context.GetRouteValue("client_name") is string name ? _traffic.Settings.Labels.Client(name) : null;
        var span = Activity.Current;
        if (client is not null)
        {
            span?.SetTag(McpSpanAttributes.Client, client);
        }

        var observer = new McpStreamObserver(context, _traffic, client, UserHash(context), span);
        try
        {
            await ForwardObservingResponseAsync(context, observer.Observe);
        }
        finally
        {
            observer.Close();
        }
    }

    private async Task ForwardSseMessageAsync(HttpContext context, ProxyRouteDescriptor route)
    {
        var sessionId = McpTraffic.SessionQueryValue(context.Request.QueryString.Value);
        var session = sessionId is not null ? _traffic.Registry.Find(_traffic.Protector.Hash64(sessionId)) : null;
        if (session?.UserHash is { } userHash)
        {
            // The user of a message is only known through its session: this is how an SSE user counts as active.
            _traffic.ActiveUsers?.RecordHash(route.Service, userHash);
        }

        var read = await ReadMessagesAsync(context, protocolHeader: null);
        if (session is { IsCounted: false } && read.Messages is { Length: > 0 } messages)
        {
            // A stream with no client in its path: its first message (initialize) names the client.
            var client = ClientOf(context, null, Array.Find(messages, m => m.ClientName is not null));
            if (session.TryMarkCounted(client))
            {
                _traffic.Metrics.SessionOpened(client, McpLabels.Sse2024Transport);
            }
        }

        var calls = StartCalls(context, read, session, sessionId, McpLabels.Sse2024Transport, protocolHeader: null);
        await _next(context);

        // The answers come on the stream; a message the upstream refused will get none.
        if (calls is not null && ForwardingFailed(context, out var failure))
        {
            foreach (var call in calls)
            {
                if (call.IdKey is { } id)
                {
                    session?.TryTake(id, out _);
                }

                _traffic.Calls.End(call, failure);
            }
        }
    }

    private async Task ForwardStreamablePostAsync(HttpContext context, ProxyRouteDescriptor route)
    {
        var request = context.Request;
        var protocolHeader = SingleHeader(request, McpRoutingHeaders.ProtocolVersionHeader);
        var sessionId = SingleHeader(request, McpTraffic.SessionIdHeader);
        var key = sessionId is not null ? _traffic.Protector.Hash64(sessionId) : 0;
        var session = sessionId is not null ? _traffic.Registry.Find(key) : null;

        var read = await ReadMessagesAsync(context, protocolHeader);
        var calls = StartCalls(context, read, session, sessionId, McpLabels.StreamableHttpTransport, protocolHeader) ?? [];
        Func<McpSession>? create = null;
        if (sessionId is null && read.Messages is { } messages && Array.FindIndex(messages, m => m.Method == JsonRpcRequest.Initialize) is var i and >= 0)
        {
            var client = ClientOf(context, null, messages[i]);
            var userHash = UserHash(context);
            create = () => new McpSession(client, McpLabels.StreamableHttpTransport, userHash, _traffic.Settings.MaxPendingCallsPerSession,
                _traffic.Calls.Now, endsWithStream: false);
        }

        var exchange = new McpExchange(context, _traffic, calls, new McpExchangeSession(_traffic, key, session, sessionId is not null, create));
        await ForwardObservingResponseAsync(context, exchange.Observe);
        exchange.Complete(ForwardingFailed(context, out var failure) && context.Response.StatusCode != StatusCodes.Status202Accepted ? failure : null);
    }

    /// <summary>A GET opens the session's server-push stream (or resumes a POST's stream with Last-Event-ID).</summary>
    private async Task ForwardStreamableGetAsync(HttpContext context)
    {
        var sessionId = SingleHeader(context.Request, McpTraffic.SessionIdHeader);
        if (sessionId is null || _traffic.Registry.Find(_traffic.Protector.Hash64(sessionId)) is not { } session)
        {
            await _next(context);
            return;
        }

        var observer = new McpStreamObserver(context, _traffic, session, Activity.Current);
        try
        {
            await ForwardObservingResponseAsync(context, observer.Observe);
        }
        finally
        {
            observer.Close();
        }
    }

    private async Task ForwardStreamableDeleteAsync(HttpContext context)
    {
        await _next(context);
        var sessionId = SingleHeader(context.Request, McpTraffic.SessionIdHeader);
        var status = context.Response.StatusCode;
        if (sessionId is null || status is not (>= 200 and < 300 or StatusCodes.Status404NotFound))
        {
            return;
        }

        var key = _traffic.Protector.Hash64(sessionId);
        if (_traffic.Registry.Find(key) is { } session)
        {
            _traffic.Registry.Close(key, session, status == StatusCodes.Status404NotFound ? session.LastSeenTimestamp : _traffic.Calls.Now);
        }
    }

    /// <summary>Counts the messages of one POST and starts a call for each request in it.</summary>
    private List<McpCall>? StartCalls(HttpContext context, ReadResult read, McpSession? session, string? sessionId, string transport, string? protocolHeader)
    {
        var settings = _traffic.Settings;
        var span = Activity.Current;
        if (read.Messages is not { } messages)
        {
            var unparsedClient = ClientOf(context, session, default);
            span?.SetTag(McpSpanAttributes.Client, unparsedClient);
            _traffic.Metrics.Message(unparsedClient, McpLabels.UnparsedMethod, transport, McpProtocolVersions.Label(protocolHeader));
            return null;
        }

        var sessionToken = sessionId is not null && span is { IsAllDataRequested: true } ? _traffic.Protector.Protect(sessionId) : null;
        if (sessionToken is not null)
        {
            span!.SetTag(McpSpanAttributes.SessionId, sessionToken);
        }

        List<McpCall>? calls = null;
        foreach (var message in messages)
        {
            var client = ClientOf(context, session, message);
            var protocol = McpProtocolVersions.Label(protocolHeader ?? message.ProtocolVersion);
            var method = McpLabels.Method(message.Method);
            _traffic.Metrics.Message(client, method, transport, protocol);
            if (message.ClientName is not null)
            {
                _traffic.Metrics.ClientInfo(client, settings.Labels.ClientVersion(message.ClientVersion), transport);
            }

            string? tool = null;
            if (message.IsToolCall)
            {
                tool = settings.Labels.Tool(message.ToolName);
                _traffic.Metrics.ToolCall(tool, client);
            }

            span?.SetTag(McpSpanAttributes.Client, client);
            var isRequest = message.IsRequest || (read.FromHeaders && message.Method?.StartsWith("notifications/", StringComparison.Ordinal) == false);
            if (!isRequest)
            {
                continue;
            }

            var call = _traffic.Calls.Start(message, method, tool, client, transport, protocol, sessionToken, span);
            (calls ??= []).Add(call);
            if (session is not null && !session.TryAddPending(call) && transport == McpLabels.Sse2024Transport)
            {
                // Its answer will come on a stream the gateway cannot tie back to it.
                _traffic.Calls.End(call, ToolCallOutcome.Uncorrelated);
            }
            else if (session is null && transport == McpLabels.Sse2024Transport)
            {
                _traffic.Calls.End(call, ToolCallOutcome.Uncorrelated);
            }
        }

        return calls;
    }

    private string ClientOf(HttpContext context, McpSession? session, JsonRpcRequest message)
        => _traffic.Settings.Labels.ResolveClient(context.GetRouteValue("client_name") as string, session?.Client, message.ClientName);

    private ulong? UserHash(HttpContext context)
        => context.GetRouteValue("user_id") is string { Length: > 0 } userId ? _traffic.Protector.Hash64(userId) : null;

    /// <summary>
    /// The messages of a POST: from its body when it is small enough to peek, else from the 2026-07-28 routing headers
    /// when the protocol version says they are there. Where both exist and disagree, the mismatch is counted and the
    /// body wins.
    /// </summary>
    private async ValueTask<ReadResult> ReadMessagesAsync(HttpContext context, string? protocolHeader)
    {
        var request = context.Request;
        var headers = McpProtocolVersions.HasRoutingHeaders(protocolHeader) ? McpRoutingHeaders.Read(request) : null;
        var limit = _traffic.Settings.MaxBodyPeekBytes;
        var body = SmallJsonBody.IsPeekable(request, limit)
            ? await SmallJsonBody.PeekAsync(request, limit, JsonRpcRequestReader.Read)
            : StreamedBodyPeek.IsPeekable(request, limit) ? await StreamedBodyPeek.PeekAsync(request, limit) : null;
        if (body is null)
        {
            return headers is { } h ? new ReadResult([new JsonRpcRequest(h.Method, null, h.Name)], FromHeaders: true) : default;
        }

        if (headers is { } mirrored && body.Length == 1)
        {
            var message = body[0];
            if (!string.Equals(mirrored.Method, message.Method, StringComparison.Ordinal))
            {
                _traffic.Metrics.HeaderMismatch("method");
            }

            if (message.Method is JsonRpcRequest.ToolsCall or "prompts/get" && !string.Equals(mirrored.Name, message.Name, StringComparison.Ordinal))
            {
                _traffic.Metrics.HeaderMismatch("name");
            }
        }

        return new ReadResult(body, FromHeaders: false);
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

    private static string? SingleHeader(HttpRequest request, string name)
        => request.Headers[name] is { Count: 1 } values && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>From the request's forwarding outcome: no JSON-RPC answer can have come back.</summary>
    private static bool ForwardingFailed(HttpContext context, out ToolCallOutcome outcome)
    {
        var forwarding = context.Features.Get<ProxyRequestContext>()?.Outcome ?? default;
        outcome = forwarding.Error == UpstreamErrorKind.Timeout ? ToolCallOutcome.Timeout : ToolCallOutcome.Error;
        return forwarding.IsFailure || forwarding.StatusCode >= 400;
    }

    private readonly record struct ReadResult(JsonRpcRequest[]? Messages, bool FromHeaders);
}
