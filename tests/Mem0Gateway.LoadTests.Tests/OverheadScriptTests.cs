using System.Diagnostics;

namespace Mem0Gateway.LoadTests.Tests;

/// <summary>perf/overhead/run.sh --smoke must keep working, so that the manual full benchmark cannot rot.</summary>
public sealed class OverheadScriptTests
{
    [Fact]
    public async Task Smoke_run_measures_all_four_targets_and_writes_the_report()
    {
        // wrk and nginx are required (Debian packages wrk, nginx): a missing tool fails this test, it never skips.
        foreach (var tool in new[] { "wrk", "nginx", "curl" })
        {
            Assert.True(OnPath(tool), $"'{tool}' is not installed: apt-get install -y wrk nginx curl");
        }

        var root = Harness.RepoRoot();
        var outDir = Harness.Temp("overhead");
        var psi = new ProcessStartInfo("bash", [Path.Combine(root, "perf", "overhead", "run.sh"), "--smoke", "--out", outDir])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw; }
        string err = await stderr, output = await stdout;
        Assert.True(p.ExitCode == 0, $"run.sh --smoke exited {p.ExitCode}\n{err}\n{output}");

        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        foreach (var row in new[] { "| upstream directly", "| gateway, instrumentation on", "| gateway, instrumentation off", "| nginx reverse proxy" })
        {
            var line = report.Split('\n').Single(l => l.StartsWith(row, StringComparison.Ordinal));
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            Assert.True(double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture) > 100, $"implausible req/s in: {line}");
            Assert.True(double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture) > 0, $"no CPU measured in: {line}");
            Assert.True(double.Parse(cells[6], System.Globalization.CultureInfo.InvariantCulture) > 1, $"no peak RSS in: {line}");
        }
        Assert.Contains("instrumented >= 0.90x instrumentation-off throughput", report);
        Assert.Contains("/metrics scrape", report);
        var rounds = File.ReadAllLines(Path.Combine(outDir, "rounds.tsv"));
        Assert.Equal(5, rounds.Length); // header + 4 targets x 1 round
        Assert.Equal(report.TrimEnd(), output.TrimEnd());
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
