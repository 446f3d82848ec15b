using System.Threading.Channels;

namespace Mem0Gateway.Testing;

/// <summary>One open MCP SSE session on the fake OpenMemory: events queued here are written to its stream.</summary>
public sealed class FakeMcpSession
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    public FakeMcpSession(string sessionId, string clientName, string userId)
    {
        SessionId = sessionId;
        ClientName = clientName;
        UserId = userId;
    }

    public string SessionId { get; }

    public string ClientName { get; }

    public string UserId { get; }

    internal ChannelReader<string> Events => _events.Reader;

    /// <summary>Queues a raw SSE event (already framed: "event: x\ndata: y\n\n").</summary>
    public void Send(string framedEvent) => _events.Writer.TryWrite(framedEvent);

    /// <summary>Ends the stream from the server side.</summary>
    public void Close() => _events.Writer.TryComplete();
}
