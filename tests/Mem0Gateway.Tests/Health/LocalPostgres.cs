using System.Diagnostics;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Health;

/// <summary>
/// A real PostgreSQL server from the Debian <c>postgresql</c> package: a fresh cluster in a temp directory, password
/// authentication, listening on a free loopback port, run as the <c>postgres</c> OS user when the tests run as root.
/// Not installed means the test fails: scripts/test.sh installs it.
/// </summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private bool _running;

    private LocalPostgres(string bin, string directory, int port, string password)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database=postgres;Timeout=3;Command Timeout=3";

    private string DataDirectory => Path.Combine(_directory, "data");

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<LocalPostgres> StartAsync(string password)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql.");
        }

        var directory = Directory.CreateTempSubdirectory("mem0gw-pg-").FullName;
        var server = new LocalPostgres(bin, directory, FreePorts.Allocate(), password);
        var passwordFile = Path.Combine(directory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        await server.RunAsPostgresAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-sync"]);
        await server.StartServerAsync();
        return server;
    }

    public async Task StopAsync()
    {
        if (_running)
        {
            _running = false;
            await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
        }
    }

    private async Task StartServerAsync()
    {
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off";
        await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-o", options, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "30", "start"]);
        _running = true;
    }

    private Task RunAsPostgresAsync(string tool, string[] arguments)
        => IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr} {await stdout}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
