using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mem0Gateway.Testing;

/// <summary>How a <see cref="MisbehavingUpstream"/> breaks.</summary>
public enum UpstreamFault
{
    /// <summary>Sends headers and part of the body, then resets the connection (RST).</summary>
    ResetMidResponse,
    /// <summary>Declares a Content-Length, sends less, then closes normally (FIN).</summary>
    TruncatedBody,
    /// <summary>Accepts the connection, reads the request, never answers.</summary>
    NeverAnswers,
    /// <summary>Answers one byte at a time, slowly, forever.</summary>
    SlowLoris,
    /// <summary>Reads the request, then resets before any response byte.</summary>
    ResetBeforeResponse,
    /// <summary>Answers 101 Switching Protocols to whatever was asked, upgrade or not.</summary>
    UnaskedUpgrade,
    /// <summary>Answers with a status line that is not HTTP.</summary>
    MalformedResponse,
    /// <summary>Sends <c>text/event-stream</c> headers at once, then its first event only after <see cref="MisbehavingUpstream.Release"/>.</summary>
    EventStreamHeldFirstEvent,
}

/// <summary>A raw TCP server on 127.0.0.1 that speaks just enough HTTP/1.1 to fail in one precise way.</summary>
public sealed class MisbehavingUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _cuts = new(0);
    private int _connections;

    public MisbehavingUpstream(UpstreamFault fault)
    {
        Fault = fault;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public UpstreamFault Fault { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Lets a held event stream send its first event.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>
    /// With <see cref="UpstreamFault.ResetMidResponse"/>: a response is reset when <see cref="Cut"/> says so, not 50 ms
    /// after its partial body, so a test can first see the headers arrive (a busy machine may take longer than 50 ms).
    /// </summary>
    public bool CutOnCue { get; init; }

    /// <summary>Resets one response that is waiting for its cue.</summary>
    public void Cut() => _cuts.Release();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await ReadRequestHeadAsync(socket);
            switch (Fault)
            {
                case UpstreamFault.ResetMidResponse:
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"results\":[");
                    await SendAsync(socket, new string(' ', 4000));
                    await (CutOnCue ? _cuts.WaitAsync(_stop.Token) : Task.Delay(50));
                    socket.LingerState = new LingerOption(true, 0); // close with RST
                    break;
                case UpstreamFault.TruncatedBody:
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"results\":[]");
                    await Task.Delay(50);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                case UpstreamFault.NeverAnswers:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                case UpstreamFault.SlowLoris:
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
                    while (!_stop.IsCancellationRequested)
                    {
                        await SendAsync(socket, " ");
                        await Task.Delay(200, _stop.Token);
                    }

                    break;
                case UpstreamFault.ResetBeforeResponse:
                    socket.LingerState = new LingerOption(true, 0);
                    break;
                case UpstreamFault.UnaskedUpgrade:
                    await SendAsync(socket, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                case UpstreamFault.MalformedResponse:
                    await SendAsync(socket, "HTTP/1.1 2OO Fine\r\nContent-Length: 2\r\n\r\n{}");
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                case UpstreamFault.EventStreamHeldFirstEvent:
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nContent-Length: 19\r\n\r\n");
                    await _released.Task.WaitAsync(_stop.Token);
                    await SendAsync(socket, "event: hi\ndata: 1\n\n");
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
            }
        }
        catch (Exception)
        {
            // The gateway hung up: that is what these tests expect sooner or later.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static async Task ReadRequestHeadAsync(Socket socket)
    {
        var buffer = new byte[8192];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    private static async Task SendAsync(Socket socket, string text) => await socket.SendAsync(Encoding.ASCII.GetBytes(text));

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
    }
}
