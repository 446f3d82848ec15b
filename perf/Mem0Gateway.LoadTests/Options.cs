using System.Globalization;
using System.Text.RegularExpressions;
using Mem0Gateway.Testing;

namespace Mem0Gateway.LoadTests;

/// <summary>Thrown for bad command lines; the CLI prints the message and exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public enum LoadModel { Open, Closed }

public sealed class RunOptions
{
    public Uri Target { get; set; } = new("http://127.0.0.1:18888");
    public Uri McpTarget { get; set; } = new("http://127.0.0.1:18765");
    public string Scenario { get; set; } = "search";
    public Dictionary<string, int> Mix { get; set; } = new() { ["add"] = 1, ["search"] = 6, ["list"] = 2, ["get"] = 1 };
    public LoadModel Model { get; set; } = LoadModel.Open;
    public double Rate { get; set; } = 10;
    public int Concurrency { get; set; } = 8;
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
    public int Connections { get; set; } = 256;
    public int MaxInFlight { get; set; } = 10_000;
    public int Users { get; set; } = 100;
    public string RunId { get; set; } = DateTime.UtcNow.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
    public bool Infer { get; set; } = true;
    public string McpClient { get; set; } = "loadtest";
    public string McpTool { get; set; } = "search_memory";
    public List<Threshold> Thresholds { get; } = new();
    public string? OutJson { get; set; }
    public string? OutMarkdown { get; set; }
    public string? Baseline { get; set; }
    public double Tolerance { get; set; } = 0.10;
    public double MinDeltaMs { get; set; } = 1.0;
    public bool Progress { get; set; } = true;
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);
    public bool Cleanup { get; set; }
    public bool Quiet { get; set; }

    public string UserPrefix => $"lt-{RunId}-";
    public string UserId(int i) => $"{UserPrefix}{i:0000}";

    public static readonly string[] Scenarios = ["add", "search", "list", "get", "mix", "mcp"];
    public static readonly string[] MixSteps = ["add", "search", "list", "get"];
}

public static class Parse
{
    public static TimeSpan Duration(string s)
    {
        var m = Regex.Match(s.Trim(), @"^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|min|h)?$");
        if (!m.Success)
        {
            throw new UsageException($"bad duration '{s}' (examples: 500ms, 30s, 10m)");
        }

        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(v),
            "m" or "min" => TimeSpan.FromMinutes(v),
            "h" => TimeSpan.FromHours(v),
            _ => TimeSpan.FromSeconds(v),
        };
    }

    public static double Ratio(string s)
    {
        s = s.Trim();
        if (s.EndsWith('%'))
        {
            return double.Parse(s[..^1], CultureInfo.InvariantCulture) / 100.0;
        }

        return double.Parse(s, CultureInfo.InvariantCulture);
    }

    public static Uri BaseUri(string s)
    {
        if (!Uri.TryCreate(s, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
        {
            throw new UsageException($"bad URL '{s}' (expected http://host:port)");
        }

        return new Uri(u.GetLeftPart(UriPartial.Authority) + u.AbsolutePath.TrimEnd('/') + "/");
    }

    public static Dictionary<string, int> Mix(string s)
    {
        var d = new Dictionary<string, int>();
        foreach (var part in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !RunOptions.MixSteps.Contains(kv[0]) || !int.TryParse(kv[1], out var w) || w < 0)
            {
                throw new UsageException($"bad --mix entry '{part}' (expected e.g. add=1,search=6,list=2,get=1)");
            }

            d[kv[0]] = w;
        }
        if (d.Values.Sum() <= 0)
        {
            throw new UsageException("--mix weights must add up to more than 0");
        }

        return d;
    }
}

public static class Cli
{
    public const string Help = """
Mem0Gateway.LoadTests - mem0-shaped load runner (open/closed model, HdrHistogram latencies)

USAGE
  Mem0Gateway.LoadTests [run] [options]          run a load test (default command)
  Mem0Gateway.LoadTests compare --baseline B.json --current C.json [--tolerance 10%] [--min-delta 1ms] [--out-md F]
  Mem0Gateway.LoadTests check --report R.json --threshold EXPR [--threshold EXPR ...]
  Mem0Gateway.LoadTests sse-hold [options]       hold many idle MCP SSE streams open (concurrency/memory test)
  Mem0Gateway.LoadTests fake-upstream [options]  serve a fake mem0 REST + OpenMemory MCP API (for benchmarks)
  Mem0Gateway.LoadTests help

RUN OPTIONS
  --target URL          mem0 REST base URL: the gateway (default http://127.0.0.1:18888) or the backend directly
  --mcp-target URL      OpenMemory base URL for the mcp scenario (default http://127.0.0.1:18765)
  --scenario NAME       add | search | list | get | mix | mcp                       (default search)
  --mix W               weights for the mix scenario                 (default add=1,search=6,list=2,get=1)
  --rate N              OPEN model: start N iterations per second regardless of responses (default 10).
                        Latency is measured from the *intended* start time, so a stalled server shows
                        up in the percentiles (no coordinated omission).
  --concurrency N       CLOSED model: N workers, each starts the next iteration when the previous ends.
                        Giving --concurrency selects the closed model.
  --warmup D            warm-up before measuring, not recorded                  (default 5s)
  --duration D          measured duration                                        (default 30s)
  --timeout D           per-request timeout                                      (default 60s)
  --connections N       max HTTP connections to the target                       (default 256)
  --max-in-flight N     open model: iterations above this many in flight are dropped and counted
                        as errors (cause client_overload)                        (default 10000)
  --users N             size of the generated user pool                          (default 100)
  --run-id ID           run id used in user ids lt-<ID>-NNNN      (default UTC time yyMMddHHmmss)
                        Load tests only ever use user ids starting with "lt-", never real users.
  --infer true|false    add: send "infer": false for the cheap add (mem0 >= E2b)  (default true)
  --mcp-client NAME     client name in /mcp/<client>/sse/<user>                  (default loadtest)
  --mcp-tool NAME       search_memory | add_memories | list_memories             (default search_memory)
  --threshold EXPR      fail (exit 1) unless EXPR holds; repeatable. EXPR = [step:]metric OP value[unit]
                        metric: p50 p75 p90 p95 p99 p99.9 max mean (latency; units ms, s, us; default ms)
                                error_ratio (0.01 or 1%), rps (achieved start rate), throughput (ok/s)
                        step:   the scenario (default) or a step: add search list get mcp_connect
                                mcp_initialize mcp_tool_call
                        e.g. --threshold search:p95<2000ms --threshold error_ratio<0.01
  --baseline FILE       compare the new report with a saved JSON report; regressions exit 1
  --tolerance R         allowed regression for compare (default 10%)
  --min-delta D         latency increases smaller than this never count as regressions (default 1ms)
  --out-json FILE       write the JSON report (use it later as --baseline)
  --out-md FILE         write the markdown report (it is always printed to stdout too)
  --cleanup             after the run, DELETE /memories?user_id=<id> for every generated lt- user
  --no-progress         no live progress line
  --quiet               only the final report

SSE-HOLD OPTIONS
  --mcp-target URL --streams N (default 1000) --open-rate N per second (default 500)
  --hold D (default 10s) --pid PID (sample VmRSS/VmHWM and fd count of that process) --out-json FILE

FAKE-UPSTREAM OPTIONS
  --port N (mem0 REST, default 8888) --mcp-port N (OpenMemory, 0 = off, default 8765) --delay D (default 0ms)

EXIT CODES
  0 ok, 1 threshold violated or regression against the baseline, 2 usage error, 3 run failed
""";

    public static RunOptions ParseRun(IReadOnlyList<string> args)
    {
        var o = new RunOptions();
        bool rateGiven = false, concGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Next()
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{a} needs a value");
                }

                return args[++i];
            }
            int NextInt(int min)
            {
                var s = Next();
                if (!int.TryParse(s, out var v) || v < min)
                {
                    throw new UsageException($"{a}: expected an integer >= {min}, got '{s}'");
                }

                return v;
            }
            switch (a)
            {
                case "--target": o.Target = Parse.BaseUri(Next()); break;
                case "--mcp-target": o.McpTarget = Parse.BaseUri(Next()); break;
                case "--scenario":
                    o.Scenario = Next();
                    if (!RunOptions.Scenarios.Contains(o.Scenario))
                    {
                        throw new UsageException($"unknown scenario '{o.Scenario}' (choose {string.Join(", ", RunOptions.Scenarios)})");
                    }

                    break;
                case "--mix": o.Mix = Parse.Mix(Next()); break;
                case "--rate":
                {
                    var s = Next();
                    if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r <= 0)
                    {
                        throw new UsageException($"--rate: expected a positive number, got '{s}'");
                    }

                    o.Rate = r; rateGiven = true; o.Model = LoadModel.Open; break;
                }
                case "--concurrency": o.Concurrency = NextInt(1); concGiven = true; o.Model = LoadModel.Closed; break;
                case "--warmup": o.Warmup = Parse.Duration(Next()); break;
                case "--duration": o.Duration = Parse.Duration(Next()); if (o.Duration <= TimeSpan.Zero) { throw new UsageException("--duration must be > 0"); } break;
                case "--timeout": o.Timeout = Parse.Duration(Next()); break;
                case "--connections": o.Connections = NextInt(1); break;
                case "--max-in-flight": o.MaxInFlight = NextInt(1); break;
                case "--users": o.Users = NextInt(1); break;
                case "--run-id":
                    o.RunId = Next();
                    if (!Regex.IsMatch(o.RunId, "^[a-z0-9][a-z0-9-]{0,40}$"))
                    {
                        throw new UsageException("--run-id: use lower-case letters, digits and '-'");
                    }

                    break;
                case "--infer": o.Infer = bool.Parse(Next()); break;
                case "--mcp-client": o.McpClient = Next(); break;
                case "--mcp-tool":
                    o.McpTool = Next();
                    if (o.McpTool is not ("search_memory" or "add_memories" or "list_memories"))
                    {
                        throw new UsageException("--mcp-tool: search_memory, add_memories or list_memories");
                    }

                    break;
                case "--threshold": o.Thresholds.Add(Threshold.Parse(Next())); break;
                case "--baseline": o.Baseline = Next(); break;
                case "--tolerance": o.Tolerance = Parse.Ratio(Next()); break;
                case "--min-delta": o.MinDeltaMs = Parse.Duration(Next()).TotalMilliseconds; break;
                case "--out-json": o.OutJson = Next(); break;
                case "--out-md": o.OutMarkdown = Next(); break;
                case "--cleanup": o.Cleanup = true; break;
                case "--no-progress": o.Progress = false; break;
                case "--progress-interval": o.ProgressInterval = Parse.Duration(Next()); break;
                case "--quiet": o.Quiet = true; o.Progress = false; break;
                default: throw new UsageException($"unknown option '{a}' (see --help)");
            }
        }
        if (rateGiven && concGiven)
        {
            throw new UsageException("give either --rate (open model) or --concurrency (closed model), not both");
        }

        return o;
    }

    public static async Task<int> MainAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken ct = default)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        try
        {
            if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
            {
                stdout.Write(Help);
                return args.Length == 0 ? 2 : 0;
            }
            var cmd = args[0].StartsWith('-') ? "run" : args[0];
            var rest = args[0].StartsWith('-') ? args : args[1..];
            if (rest.Contains("--help") || rest.Contains("-h")) { stdout.Write(Help); return 0; }
            switch (cmd)
            {
                case "run":
                {
                    var o = ParseRun(rest);
                    var runner = new Runner(o, stdout, stderr);
                    var report = await runner.RunAsync(ct);
                    return Finish(o, report, stdout, stderr);
                }
                case "compare": return CompareCommand(rest, stdout);
                case "check": return CheckCommand(rest, stdout);
                case "sse-hold": return await SseHold.MainAsync(rest, stdout, ct);
                case "fake-upstream": return await FakeUpstreamCommand(rest, stdout, ct);
                default: throw new UsageException($"unknown command '{cmd}' (see --help)");
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (RunFailedException e)
        {
            stderr.WriteLine($"run failed: {e.Message}");
            return 3;
        }
    }

    private static int Finish(RunOptions o, Report report, TextWriter stdout, TextWriter stderr)
    {
        bool failed = false;
        foreach (var t in o.Thresholds)
        {
            var r = t.Evaluate(report);
            report.Thresholds.Add(r);
            failed |= !r.Passed;
        }
        if (o.Baseline != null)
        {
            var baseline = Report.Load(o.Baseline);
            report.Comparison = Comparer.Compare(baseline, report, o.Tolerance, o.MinDeltaMs, o.Baseline);
            failed |= report.Comparison.Regressions > 0;
        }
        var md = MarkdownWriter.Write(report);
        stdout.WriteLine();
        stdout.Write(md);
        if (o.OutMarkdown != null)
        {
            File.WriteAllText(o.OutMarkdown, md);
        }

        if (o.OutJson != null)
        {
            report.Save(o.OutJson);
        }

        if (failed)
        {
            stderr.WriteLine("FAILED: threshold violated or regression against the baseline");
        }

        return failed ? 1 : 0;
    }

    private static int CompareCommand(IReadOnlyList<string> args, TextWriter stdout)
    {
        string? b = null, c = null, md = null;
        double tol = 0.10, minDelta = 1.0;
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--baseline": b = Next(); break;
                case "--current": c = Next(); break;
                case "--tolerance": tol = Parse.Ratio(Next()); break;
                case "--min-delta": minDelta = Parse.Duration(Next()).TotalMilliseconds; break;
                case "--out-md": md = Next(); break;
                default: throw new UsageException($"unknown option '{args[i]}' for compare");
            }
        }
        if (b == null || c == null)
        {
            throw new UsageException("compare needs --baseline FILE and --current FILE");
        }

        var cmp = Comparer.Compare(Report.Load(b), Report.Load(c), tol, minDelta, b);
        var text = MarkdownWriter.WriteComparison(cmp);
        stdout.Write(text);
        if (md != null)
        {
            File.WriteAllText(md, text);
        }

        return cmp.Regressions > 0 ? 1 : 0;
    }

    /// <summary>The benchmarks' upstream: the tests' fake mem0 + OpenMemory, not recording (see perf/lib.sh start_fake).</summary>
    private static async Task<int> FakeUpstreamCommand(IReadOnlyList<string> args, TextWriter stdout, CancellationToken ct)
    {
        int port = 8888, mcpPort = 8765;
        var delay = TimeSpan.Zero;
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--mcp-port": mcpPort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--delay": delay = Parse.Duration(Next()); break;
                default: throw new UsageException($"unknown option '{args[i]}' for fake-upstream");
            }
        }
        await FakeMem0Upstream.ServeAsync(port, mcpPort, delay, stdout, ct);
        return 0;
    }

    private static int CheckCommand(IReadOnlyList<string> args, TextWriter stdout)
    {
        string? file = null;
        var ts = new List<Threshold>();
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--report": file = Next(); break;
                case "--threshold": ts.Add(Threshold.Parse(Next())); break;
                default: throw new UsageException($"unknown option '{args[i]}' for check");
            }
        }
        if (file == null || ts.Count == 0)
        {
            throw new UsageException("check needs --report FILE and at least one --threshold");
        }

        var report = Report.Load(file);
        report.Thresholds.Clear();
        foreach (var t in ts)
        {
            report.Thresholds.Add(t.Evaluate(report));
        }

        stdout.Write(MarkdownWriter.WriteThresholds(report.Thresholds));
        return report.Thresholds.All(t => t.Passed) ? 0 : 1;
    }
}

public sealed class RunFailedException(string message) : Exception(message);
