using Microsoft.Extensions.Primitives;

namespace Mem0Gateway.Mcp;

/// <summary>The session side of one Streamable HTTP exchange: the session the request named, or the one its answer issues.</summary>
internal sealed class McpExchangeSession
{
    private readonly McpTraffic _traffic;
    private readonly bool _requestNamedSession;
    private readonly Func<McpSession>? _create;
    private ulong _key;

    public McpExchangeSession(McpTraffic traffic, ulong key, McpSession? session, bool requestNamedSession, Func<McpSession>? create)
    {
        _traffic = traffic;
        _key = key;
        Session = session;
        _requestNamedSession = requestNamedSession;
        _create = create;
    }

    public McpSession? Session { get; private set; }

    /// <summary>An answer carried <c>Mcp-Session-Id</c>: for an <c>initialize</c> without one, a new session begins.</summary>
    public void Issued(StringValues id)
    {
        if (_requestNamedSession || _create is null || string.IsNullOrEmpty(id[0]) || id[0]!.Length > 256)
        {
            return;
        }

        var session = _create();
        _key = _traffic.Protector.Hash64(id[0]);
        if (_traffic.Registry.TryOpen(_key, session))
        {
            Session = session;
        }
    }

    public void Ended(bool useLastSeen)
    {
        if (_requestNamedSession && Session is { } session)
        {
            _traffic.Registry.Close(_key, session, useLastSeen ? session.LastSeenTimestamp : _traffic.Calls.Now);
        }
    }
}
