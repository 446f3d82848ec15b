namespace Mem0Gateway.Mcp;

/// <summary>
/// One Streamable HTTP POST and its answer as it passes through: 202 (notifications and responses accepted), one JSON
/// object or batch, or an SSE stream carrying the answers among server requests and notifications. Each request's
/// clock stops at the answer whose id matches, not at the end of the stream. It also sees the session's life: the
/// <c>Mcp-Session-Id</c> an <c>initialize</c> answer issues, and the 404 that says a session is gone.
/// </summary>
internal sealed class McpExchange
{
    /// <summary>Bytes of each answer kept to classify it (id, result or error, first text bytes).</summary>
    private const int MessageHeadLimit = 2048;

    private static readonly Func<object, Task> OnResponseStartingCallback = static state =>
    {
        ((McpExchange)state).OnResponseStarting();
        return Task.CompletedTask;
    };

    private readonly HttpContext _context;
    private readonly McpTraffic _traffic;
    private readonly List<McpCall> _calls;
    private readonly McpExchangeSession _session;
    private readonly Action<JsonRpcResponseSniffer.Response> _onResponse;
    private ResponseKind _kind;
    private JsonMessageSplitter? _json;
    private SseEventScanner? _events;

    public McpExchange(HttpContext context, McpTraffic traffic, List<McpCall> calls, McpExchangeSession session)
    {
        _context = context;
        _traffic = traffic;
        _calls = calls;
        _session = session;
        _onResponse = OnResponse;
        context.Response.OnStarting(OnResponseStartingCallback, this);
    }

    public void Observe(ReadOnlySpan<byte> written)
    {
        switch (_kind)
        {
            case ResponseKind.Json:
                _json!.Scan(written);
                break;
            case ResponseKind.EventStream:
                _events!.Scan(written);
                break;
        }
    }

    /// <summary>
    /// The response is over: calls it did not answer end now, unless their session can still deliver the answer on a
    /// resumed stream (they stay waiting there, up to the tool-call timeout).
    /// </summary>
    public void Complete(ToolCallOutcome? failure)
    {
        var session = _session.Session;
        session?.Touch(_traffic.Calls.Now);
        foreach (var call in _calls)
        {
            if (call.IsEnded)
            {
                continue;
            }

            if (failure is null && _kind == ResponseKind.EventStream && session is not null && call.IdKey is { } id && session.IsPending(id))
            {
                // The stream broke before the answer, which may still come on a GET with Last-Event-ID.
                continue;
            }

            var outcome = failure ?? _kind switch
            {
                ResponseKind.Accepted => ToolCallOutcome.Uncorrelated,
                ResponseKind.EventStream => ToolCallOutcome.Abandoned,
                _ => ToolCallOutcome.Error,
            };
            End(call, outcome, null);
        }
    }

    private void OnResponseStarting()
    {
        var response = _context.Response;
        var status = response.StatusCode;
        if (status == StatusCodes.Status404NotFound)
        {
            // The server no longer knows the session: it ended (expired) some time after its last use. This
            // exchange's own calls are answered (or not) here, not abandoned with the session.
            foreach (var call in _calls)
            {
                if (call.IdKey is { } id)
                {
                    _session.Session?.TryTake(id, out _);
                }
            }

            _session.Ended(useLastSeen: true);
        }
        else
        {
            // A use of the session counts once the server has accepted it.
            _session.Session?.Touch(_traffic.Calls.Now);
            if (status is >= 200 and < 300 && response.Headers[McpTraffic.SessionIdHeader] is { Count: 1 } issued)
            {
                _session.Issued(issued);
            }
        }

        if (status == StatusCodes.Status202Accepted)
        {
            _kind = ResponseKind.Accepted;
        }
        else if (McpTraffic.IsEventStream(_context))
        {
            _kind = ResponseKind.EventStream;
            _events = new SseEventScanner(MessageHeadLimit, (kind, data) =>
            {
                if (kind == SseEventKind.Message)
                {
                    JsonRpcResponses.Read(data, MessageHeadLimit, _onResponse);
                }
            });
        }
        else if (McpTraffic.IsJson(response.ContentType))
        {
            _kind = ResponseKind.Json;
            _json = new JsonMessageSplitter(MessageHeadLimit, head =>
            {
                if (JsonRpcResponseSniffer.Sniff(head) is { } answer)
                {
                    _onResponse(answer);
                }
            });
        }
        else
        {
            _kind = ResponseKind.Other;
        }
    }

    private void OnResponse(JsonRpcResponseSniffer.Response response)
    {
        foreach (var call in _calls)
        {
            // A request known only from its routing headers has no id, and is alone in its POST (2026-07-28 has no batches).
            if (call.IdKey == response.IdKey || (call.IdKey is null && _calls.Count == 1))
            {
                End(call, response.Outcome, response.ErrorCode);
                return;
            }
        }
    }

    private void End(McpCall call, ToolCallOutcome outcome, string? errorCode)
    {
        if (call.IdKey is { } id)
        {
            _session.Session?.TryTake(id, out _);
        }

        _traffic.Calls.End(call, outcome, errorCode);
    }

    private enum ResponseKind
    {
        None,
        Accepted,
        Json,
        EventStream,
        Other,
    }
}
