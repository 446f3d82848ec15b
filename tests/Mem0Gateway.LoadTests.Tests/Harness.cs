[assembly: CollectionBehavior(DisableTestParallelization = true)] // timing-sensitive: one run at a time

namespace Mem0Gateway.LoadTests.Tests;

public sealed record CliResult(int Exit, string Out, string Err, Report? Report);

public static class Harness
{
    /// <summary>Runs the load-test CLI in-process and loads the JSON report it wrote (if any).</summary>
    public static async Task<CliResult> Cli(params string[] args)
    {
        var json = Path.Combine(Path.GetTempPath(), $"lt-report-{Guid.NewGuid():N}.json");
        bool isRun = args.Length == 0 || args[0].StartsWith('-') || args[0] == "run";
        var full = isRun ? [.. args, "--out-json", json, "--no-progress"] : args;
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = await LoadTests.Cli.MainAsync(full, o, e);
        Report? r = File.Exists(json) ? Report.Load(json) : null;
        if (File.Exists(json))
        {
            File.Delete(json);
        }

        return new CliResult(exit, o.ToString(), e.ToString(), r);
    }

    public static string Url(int port) => $"http://127.0.0.1:{port}";

    public static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "perf", "overhead", "run.sh")))
        {
            d = d.Parent;
        }

        return d?.FullName ?? throw new InvalidOperationException("repo root (with perf/overhead/run.sh) not found above " + AppContext.BaseDirectory);
    }

    public static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"lt-{Guid.NewGuid():N}-{name}");
}
