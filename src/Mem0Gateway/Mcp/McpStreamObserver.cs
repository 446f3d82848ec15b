using System.Diagnostics;
using System.Text;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Watches one MCP SSE stream as it passes through: counts the session while it is open, registers its session id
/// (keyed hash only) from the <c>endpoint</c> event, and matches <c>message</c> events to pending tools/call ids.
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
    private readonly string _client;
    private readonly ulong? _userHash;
    private readonly McpSessionRegistry _registry;
    private readonly McpMetrics _metrics;
    private readonly PersonalIdProtector _protector;
    private readonly int _maxPending;
    private readonly Activity? _span;
    private readonly SseEventScanner _scanner;
    private long _openedTimestamp;
    private ulong _sessionKey;
    private McpSession? _session;

    public McpStreamObserver(HttpContext context, string client, ulong? userHash, McpSessionRegistry registry,
        McpMetrics metrics, PersonalIdProtector protector, int maxPending, Activity? span)
    {
        _context = context;
        _client = client;
        _userHash = userHash;
        _registry = registry;
        _metrics = metrics;
        _protector = protector;
        _maxPending = maxPending;
        _span = span;
        _scanner = new SseEventScanner(EventHeadLimit, OnEvent);
        context.Response.OnStarting(OnResponseStarting, this);
    }

    public bool IsOpen => _openedTimestamp != 0;

    public void Observe(ReadOnlySpan<byte> written)
    {
        if (IsOpen)
        {
            _scanner.Scan(written);
        }
    }

    /// <summary>The stream ended: the session is over and its unanswered calls are abandoned.</summary>
    public void Close()
    {
        if (_session is { } session)
        {
            _registry.Remove(_sessionKey, session);
        }

        if (IsOpen)
        {
            _metrics.SessionClosed(_client, Stopwatch.GetElapsedTime(_openedTimestamp));
        }
    }

    private void MarkOpenedIfStream()
    {
        var response = _context.Response;
        if (response.StatusCode is >= 200 and < 300
            && _context.Features.Get<ProxyRequestContext>() is { IsEventStream: true })
        {
            _openedTimestamp = Stopwatch.GetTimestamp();
            _metrics.SessionOpened(_client);
        }
    }

    private void OnEvent(SseEventKind kind, ReadOnlySpan<byte> data)
    {
        if (kind == SseEventKind.Endpoint)
        {
            OnEndpoint(data);
        }
        else if (kind == SseEventKind.Message && _session is { } session
            && JsonRpcResponseSniffer.Sniff(data) is { } response
            && session.TryComplete(response.IdKey, out var call))
        {
            _metrics.ToolCallEnded(call.Tool, _client, response.Outcome, Stopwatch.GetElapsedTime(call.StartTimestamp));
        }
    }

    /// <summary><c>data: /mcp/messages/?session_id=&lt;hex&gt;</c>: the id the client's POSTs will carry.</summary>
    private void OnEndpoint(ReadOnlySpan<byte> data)
    {
        var start = data.IndexOf("session_id="u8);
        if (start < 0 || _session is not null)
        {
            return;
        }

        var id = data[(start + "session_id=".Length)..];
        var end = id.IndexOfAny((byte)'&', (byte)'#');
        if (end >= 0)
        {
            id = id[..end];
        }

        if (id.IsEmpty || id.Length > 256)
        {
            return;
        }

        Span<char> chars = stackalloc char[id.Length];
        var length = Encoding.UTF8.GetChars(id, chars);
        var sessionId = chars[..length];
        var session = new McpSession(_client, _userHash, _maxPending);
        _sessionKey = _protector.Hash64(sessionId);
        if (_registry.TryAdd(_sessionKey, session))
        {
            _session = session;
        }

        _span?.SetTag(McpSpanAttributes.SessionId, _protector.Protect(sessionId));
    }
}
