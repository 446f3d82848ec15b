using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mem0Gateway.Testing;

/// <summary>
/// The gateway as its own process (the built Mem0Gateway.dll beside the tests), for what only a process shows:
/// its stdout, its exit code, and how it handles SIGTERM.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GatewayTestConfig _config;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private GatewayProcess(Process process, GatewayTestConfig config)
    {
        _process = process;
        _config = config;
        Management = GatewayTestConfig.CreateClient(config.ManagementPort);
    }

    public HttpClient Management { get; }

    public IReadOnlyDictionary<string, int> ServicePorts => _config.ServicePorts;

    public int ManagementPort => _config.ManagementPort;

    public IReadOnlyCollection<string> StandardOutput => _stdout;

    public IReadOnlyCollection<string> StandardError => _stderr;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="arguments">Command-line arguments after <c>--config PATH</c> (say <c>--log-format pretty</c>).</param>
    /// <param name="onTerminal">Run it on a pseudo-terminal (script(1)), as an interactive shell would; its stderr then
    /// arrives with its stdout.</param>
    public static async Task<GatewayProcess> StartAsync(GatewayInstanceOptions? options = null, IDictionary<string, string>? environment = null,
        IReadOnlyList<string>? arguments = null, bool onTerminal = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var gateway = Launch(GatewayTestConfig.Create(options ?? new GatewayInstanceOptions()), environment, arguments ?? [], onTerminal);
            try
            {
                await gateway.WaitUntilListeningAsync();
                return gateway;
            }
            catch (InvalidOperationException) when (attempt < 3 && gateway.StandardError.Concat(gateway.StandardOutput).Any(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                // A free port was taken before the gateway bound it: try a fresh set.
                await gateway.DisposeAsync();
            }
        }
    }

    private static GatewayProcess Launch(GatewayTestConfig config, IDictionary<string, string>? environment, IReadOnlyList<string> arguments, bool onTerminal)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Mem0Gateway.dll");
        string[] command = ["dotnet", dll, "--config", config.ConfigPath, .. arguments];
        var start = new ProcessStartInfo(onTerminal ? "script" : command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = onTerminal,
            UseShellExecute = false,
            WorkingDirectory = config.Directory,
        };
        if (onTerminal)
        {
            start.ArgumentList.Add("-qfec");
            start.ArgumentList.Add(string.Join(' ', command.Select(part => "'" + part.Replace("'", "'\\''", StringComparison.Ordinal) + "'")));
            start.ArgumentList.Add("/dev/null");
        }
        else
        {
            foreach (var part in command[1..])
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var gateway = new GatewayProcess(process, config);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { gateway._stdout.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { gateway._stderr.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    public HttpClient Client(string service) => GatewayTestConfig.CreateClient(_config.ServicePorts[service]);

    public async Task<MetricsSnapshot> ScrapeAsync() => new(await Management.GetStringAsync("/metrics"));

    /// <summary>What an orchestrator sends to stop a container.</summary>
    public void SendSigterm()
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed: " + Marshal.GetLastPInvokeError());
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private async Task WaitUntilListeningAsync()
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {_process.ExitCode}: {string.Join('\n', _stderr)}{string.Join('\n', _stdout)}");
            }

            try
            {
                using var response = await Management.GetAsync("/metrics");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("The gateway process did not start listening within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Management.Dispose();
        try
        {
            Directory.Delete(_config.Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
