using System.Net;
using System.Net.Sockets;

namespace Mem0Gateway.Tests.Health;

/// <summary>
/// A TCP listener on loopback that plays the server side of Neo4j's Bolt handshake: it reads the 4-byte magic and the
/// four version proposals, then writes <see cref="Answer"/> (or nothing, when null) and closes.
/// </summary>
internal sealed class FakeBoltServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Task _loop;

    public FakeBoltServer(byte[]? answer)
    {
        Answer = answer;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public byte[]? Answer { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The 20 handshake bytes each client sent.</summary>
    public List<byte[]> Handshakes { get; } = [];

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            lock (_open)
            {
                _open.Add(socket);
            }

            _ = Task.Run(async () =>
            {
                var buffer = new byte[20];
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                }

                lock (Handshakes)
                {
                    Handshakes.Add(buffer);
                }

                if (Answer is not null)
                {
                    await socket.SendAsync(Answer, SocketFlags.None);
                    socket.Shutdown(SocketShutdown.Both);
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }
        }
    }
}
