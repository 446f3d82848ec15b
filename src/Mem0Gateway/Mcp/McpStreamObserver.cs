using System.Diagnostics;
using System.Text;
using Mem0Gateway.Privacy;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Watches one long-lived MCP SSE stream as it passes through and answers the calls waiting in its session: the 2024
/// SSE stream (whose <c>endpoint</c> event names the session, and whose life is the session's) or a Streamable HTTP
/// GET stream (server push, or a POST stream resumed with <c>Last-Event-ID</c>). A replayed answer finds its call
/// already ended and counts nothing.
/// </summary>
internal sealed class McpStreamObserver
{
    /// <summary>Enough for the endpoint URL and the head of a JSON-RPC response (id, result or error, first text bytes).</summary>
    private const int EventHeadLimit = 2048;

    private static readonly Func<object, Task> OnResponseStarting = static state =>
    {
        ((McpStreamObserver)state).MarkOpenedIfStream();
        return Task.CompletedTask;
    };

    private readonly HttpContext _context;
    private readonly McpTraffic _traffic;
    private readonly string _client;
    private readonly ulong? _userHash;
    private readonly Activity? _span;
    private readonly SseEventScanner _scanner;
    private readonly Action<JsonRpcResponseSniffer.Response> _onResponse;
    private long _openedTimestamp;
    private ulong _sessionKey;
    private readonly bool _ownsSession;
    private readonly bool _clientFromPath;
    private McpSession? _session;
    private bool _registered;

    /// <summary>A 2024 SSE stream: the session is born from its <c>endpoint</c> event and dies with it.</summary>
    public McpStreamObserver(HttpContext context, McpTraffic traffic, string? client, ulong? userHash, Activity? span)
        : this(context, traffic, client ?? McpLabels.UnknownClient, span, null, ownsSession: true)
    {
        _userHash = userHash;
        _clientFromPath = client is not null;
    }

    /// <summary>A Streamable HTTP GET stream of a session the gateway already tracks.</summary>
    public McpStreamObserver(HttpContext context, McpTraffic traffic, McpSession session, Activity? span)
        : this(context, traffic, session.Client, span, session, ownsSession: false)
    {
    }

    private McpStreamObserver(HttpContext context, McpTraffic traffic, string client, Activity? span, McpSession? session, bool ownsSession)
    {
        _context = context;
        _traffic = traffic;
        _client = client;
        _span = span;
        _session = session;
        _ownsSession = ownsSession;
        _scanner = new SseEventScanner(EventHeadLimit, OnEvent);
        _onResponse = OnResponse;
        context.Response.OnStarting(OnResponseStarting, this);
    }

    private bool IsOpen => _openedTimestamp != 0;

    public void Observe(ReadOnlySpan<byte> written)
    {
        if (IsOpen)
        {
            _scanner.Scan(written);
        }
    }

    /// <summary>The stream ended: a 2024 session is over and its unanswered calls are abandoned.</summary>
    public void Close()
    {
        var now = _traffic.Calls.Now;
        if (!_ownsSession)
        {
            if (IsOpen)
            {
                _session?.StreamClosed(now);
            }

            return;
        }

        if (_session is not { } session)
        {
            return;
        }

        if (_registered)
        {
            _traffic.Registry.Remove(_sessionKey, session);
        }

        if (session.IsCounted)
        {
            _traffic.Metrics.SessionClosed(session.Client, McpLabels.Sse2024Transport, _traffic.Calls.Time.GetElapsedTime(_openedTimestamp, now));
        }
    }

    private void MarkOpenedIfStream()
    {
        var response = _context.Response;
        if (response.StatusCode is >= 200 and < 300 && McpTraffic.IsEventStream(_context))
        {
            _openedTimestamp = _traffic.Calls.Now;
            if (_ownsSession)
            {
                var session = new McpSession(_client, McpLabels.Sse2024Transport, _userHash, _traffic.Settings.MaxPendingCallsPerSession,
                    _openedTimestamp, endsWithStream: true);
                _session = session;
                // A client named in the path counts now; otherwise the session counts once its first message names it.
                if (_clientFromPath && session.TryMarkCounted(_client))
                {
                    _traffic.Metrics.SessionOpened(_client, McpLabels.Sse2024Transport);
                }
            }
            else
            {
                _session?.StreamOpened();
            }
        }
    }

    private void OnEvent(SseEventKind kind, ReadOnlySpan<byte> data)
    {
        if (kind == SseEventKind.Endpoint)
        {
            OnEndpoint(data);
        }
        else if (kind == SseEventKind.Message && _session is not null && (_registered || !_ownsSession))
        {
            JsonRpcResponses.Read(data, EventHeadLimit, _onResponse);
        }
    }

    private void OnResponse(JsonRpcResponseSniffer.Response response)
    {
        if (_session!.TryTake(response.IdKey, out var call))
        {
            _traffic.Calls.End(call, response.Outcome, response.ErrorCode);
        }
    }

    /// <summary>
    /// <c>data: /mcp/messages/?session_id=&lt;id&gt;</c> (OpenMemory) or <c>…/message?sessionId=&lt;id&gt;</c> (the SDKs):
    /// the id the client's POSTs will carry.
    /// </summary>
    private void OnEndpoint(ReadOnlySpan<byte> data)
    {
        if (_registered || !_ownsSession || _session is not { } session)
        {
            return;
        }

        var id = McpTraffic.SessionQueryValue(data);
        if (id.IsEmpty || id.Length > 256)
        {
            return;
        }

        Span<char> chars = stackalloc char[id.Length];
        var length = Encoding.UTF8.GetChars(id, chars);
        var sessionId = chars[..length];
        _sessionKey = _traffic.Protector.Hash64(sessionId);
        _registered = _traffic.Registry.TryAdd(_sessionKey, session);

        _span?.SetTag(McpSpanAttributes.SessionId, _traffic.Protector.Protect(sessionId));
    }
}
