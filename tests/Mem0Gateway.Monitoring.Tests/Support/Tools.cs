using System.Diagnostics;
using System.Text;

namespace Mem0Gateway.Monitoring.Tests.Support;

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>The Debian tools the monitoring tests drive. A missing tool fails the test; it is never skipped.</summary>
public static class Tools
{
    private static readonly Dictionary<string, string> DebianPackage = new()
    {
        ["promtool"] = "prometheus",
        ["prometheus"] = "prometheus",
        ["amtool"] = "prometheus-alertmanager",
        ["prometheus-alertmanager"] = "prometheus-alertmanager",
        ["bash"] = "bash",
        ["git"] = "git",
        ["curl"] = "curl",
        ["python3"] = "python3",
        ["kubectl"] = "kubectl",
        ["node"] = "nodejs",
        ["npm"] = "npm",
    };

    public static string Require(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{name} is not installed: the monitoring tests need the Debian package '{DebianPackage.GetValueOrDefault(name, name)}' (apt-get install {DebianPackage.GetValueOrDefault(name, name)}).");
        return null!;
    }

    public static async Task<ProcessResult> RunAsync(string tool, IEnumerable<string> args, string? workingDirectory = null,
        TimeSpan? timeout = null, IDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', args)} did not finish within {timeout ?? TimeSpan.FromSeconds(60)}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    public static string Describe(this ProcessResult r) => new StringBuilder().Append("exit ").Append(r.ExitCode)
        .Append("\n--- stdout\n").Append(r.Stdout).Append("\n--- stderr\n").Append(r.Stderr).ToString();
}
