using Microsoft.AspNetCore.Connections;

namespace Mem0Gateway.Hosting;

/// <summary>
/// Caps the connections one listener holds open at once (Kestrel's own limit is one budget for the whole server, so a
/// flood on one port would starve every other). A connection over the cap is closed as soon as it is accepted.
/// </summary>
internal sealed class ListenerConnectionLimit
{
    private readonly long _max;
    private long _open;

    public ListenerConnectionLimit(int max) => _max = max;

    public ConnectionDelegate Apply(ConnectionDelegate next) => connection => Interlocked.Increment(ref _open) > _max
        ? Reject()
        : ServeAsync(next, connection);

    private Task Reject()
    {
        // Returning without reading closes the connection.
        Interlocked.Decrement(ref _open);
        return Task.CompletedTask;
    }

    private async Task ServeAsync(ConnectionDelegate next, ConnectionContext connection)
    {
        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
