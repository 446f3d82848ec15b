using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mem0Gateway.Testing;

/// <summary>Bytes on a raw TCP connection, for requests no HTTP client would send (non-ASCII headers, CONNECT, broken chunks).</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and returns what came back until the server closed or went quiet.</summary>
    public static async Task<string> ExchangeAsync(int port, byte[] request, TimeSpan? quiet = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(request);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            using var idle = new CancellationTokenSource(quiet ?? TimeSpan.FromSeconds(10));
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, idle.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
            if (IsComplete(received))
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    public static Task<string> ExchangeAsync(int port, string request) => ExchangeAsync(port, Encoding.UTF8.GetBytes(request));

    /// <summary>The status code of a raw response ("HTTP/1.1 400 Bad Request" → 400), 0 when there is none.</summary>
    public static int StatusOf(string response)
        => response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(response.AsSpan(9, 3), out var status) ? status : 0;

    /// <summary>A response with a Content-Length whose body has fully arrived.</summary>
    private static bool IsComplete(MemoryStream received)
    {
        var text = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        foreach (var line in text[..end].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line["Content-Length:".Length..].Trim(), out var length))
            {
                return Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= length;
            }
        }

        return false;
    }
}
