using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Mem0Gateway.Testing;

/// <summary>
/// A real HAProxy (Debian package <c>haproxy</c>) in TCP mode on free loopback ports, one frontend per service, each
/// spreading connections round-robin over the given backends; stopped on dispose.
/// </summary>
public sealed class LocalHaproxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LocalHaproxy(Process process, string directory, IReadOnlyDictionary<string, int> ports)
    {
        _process = process;
        _directory = directory;
        Ports = ports;
    }

    /// <summary>The frontend port of each service.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public static async Task<LocalHaproxy> StartAsync(IReadOnlyDictionary<string, int[]> backends)
    {
        const string binary = "/usr/sbin/haproxy";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("haproxy is not installed: apt-get install haproxy");
        }

        var ports = backends.Keys.Zip(FreePorts.Allocate(backends.Count)).ToDictionary(p => p.First, p => p.Second);
        var config = new StringBuilder()
            .AppendLine("global").AppendLine("  maxconn 4096")
            .AppendLine("defaults").AppendLine("  mode tcp").AppendLine("  timeout connect 2s")
            .AppendLine("  timeout client 120s").AppendLine("  timeout server 120s");
        foreach (var (service, servers) in backends)
        {
            config.AppendLine($"frontend fe_{service}").AppendLine($"  bind 127.0.0.1:{ports[service]}").AppendLine($"  default_backend be_{service}")
                .AppendLine($"backend be_{service}").AppendLine("  balance roundrobin");
            for (var i = 0; i < servers.Length; i++)
            {
                config.AppendLine($"  server gateway{i + 1} 127.0.0.1:{servers[i]}");
            }
        }

        var directory = Directory.CreateTempSubdirectory("mem0gw-haproxy-").FullName;
        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, config.ToString());
        var process = Process.Start(new ProcessStartInfo(binary) { ArgumentList = { "-db", "-f", path }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var haproxy = new LocalHaproxy(process, directory, ports);
        var watch = Stopwatch.StartNew();
        foreach (var port in ports.Values)
        {
            while (!await ListensAsync(port))
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(10) || process.HasExited)
                {
                    await haproxy.DisposeAsync();
                    throw new InvalidOperationException($"haproxy did not listen on {port}");
                }

                await Task.Delay(20);
            }
        }

        return haproxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<bool> ListensAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
