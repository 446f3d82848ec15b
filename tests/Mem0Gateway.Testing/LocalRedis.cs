using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Mem0Gateway.Testing;

/// <summary>
/// A real redis-server (Debian package <c>redis-server</c>) on a free loopback port, in memory only, stopped on dispose.
/// <see cref="StopAsync"/> and <see cref="StartAsync()"/> again on the same port play an outage.
/// </summary>
public sealed class LocalRedis : IAsyncDisposable
{
    private Process? _process;

    private LocalRedis(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<LocalRedis> StartAsync()
    {
        var redis = new LocalRedis(FreePorts.Allocate());
        await redis.StartAsync(TimeSpan.FromSeconds(10));
        return redis;
    }

    public async Task StartAsync(TimeSpan timeout)
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server");
        }

        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (!await PingsAsync())
        {
            if (watch.Elapsed > timeout || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {timeout}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Sends one raw RESP command and returns the reply's first line (enough for PING, PFCOUNT, DBSIZE).</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync() ?? string.Empty;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<bool> PingsAsync()
    {
        try
        {
            return await CommandAsync("PING") == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
