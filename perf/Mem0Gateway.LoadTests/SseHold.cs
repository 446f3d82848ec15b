using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using HdrHistogram;

namespace Mem0Gateway.LoadTests;

/// <summary>Reads VmRSS, VmHWM and the open fd count of a process from /proc.</summary>
public readonly record struct ProcSample(long RssKiB, long HwmKiB, int Fds)
{
    public static ProcSample? Read(int pid)
    {
        try
        {
            long rss = 0, hwm = 0;
            foreach (var l in File.ReadLines($"/proc/{pid}/status"))
            {
                if (l.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = KiB(l);
                }
                else if (l.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = KiB(l);
                }
            }
            int fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
            return new ProcSample(rss, hwm, fds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        static long KiB(string l) => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Opens N MCP SSE streams (GET /mcp/&lt;client&gt;/sse/&lt;user&gt;), waits for each one's endpoint event,
/// holds them idle, and reports how many stayed open plus the target process's memory per stream.
/// </summary>
public static class SseHold
{
    public sealed class Result
    {
        public string McpTarget { get; set; } = "";
        public int Requested { get; set; }
        public int Opened { get; set; }
        public int Failed { get; set; }
        public int StillOpenAtEnd { get; set; }
        public Dictionary<string, int> Errors { get; set; } = new();
        public double OpenP50Ms { get; set; }
        public double OpenP99Ms { get; set; }
        public double OpenMaxMs { get; set; }
        public double HoldSeconds { get; set; }
        public int? Pid { get; set; }
        public long? RssBeforeKiB { get; set; }
        public long? RssHeldKiB { get; set; }
        public long? HwmKiB { get; set; }
        public int? FdsBefore { get; set; }
        public int? FdsHeld { get; set; }
        public double? KiBPerStream { get; set; }
        public long? RssAfterCloseKiB { get; set; }
        /// <summary>/metrics scrapes while the streams are held (process collectors count open fds per scrape).</summary>
        public double? ScrapeWallMsMedian { get; set; }
        public double? ScrapeCpuMsPerScrape { get; set; }
        public string Machine { get; set; } = "";
    }

    private static long CpuTicks(int pid)
    {
        var f = File.ReadAllText($"/proc/{pid}/stat");
        var parts = f[(f.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(parts[11], CultureInfo.InvariantCulture) + long.Parse(parts[12], CultureInfo.InvariantCulture); // utime, stime
    }

    private static async Task ScrapeAsync(Uri url, int? pid, Result res, CancellationToken ct)
    {
        using var http = new HttpClient();
        for (int i = 0; i < 3; i++)
        {
            await http.GetStringAsync(url, ct); // warm
        }

        const int n = 10;
        var wall = new double[n];
        long c0 = pid is int p0 ? CpuTicks(p0) : 0;
        for (int i = 0; i < n; i++)
        {
            long t = Stopwatch.GetTimestamp();
            await http.GetStringAsync(url, ct);
            wall[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        if (pid is int p1)
        {
            res.ScrapeCpuMsPerScrape = Math.Round((CpuTicks(p1) - c0) * 10.0 / n, 1); // USER_HZ = 100
        }

        Array.Sort(wall);
        res.ScrapeWallMsMedian = Math.Round(wall[n / 2], 2);
    }

    public static async Task<int> MainAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken ct)
    {
        var target = new Uri("http://127.0.0.1:18765/");
        int streams = 1000, openRate = 500;
        int? pid = null;
        var hold = TimeSpan.FromSeconds(10);
        string client = "loadtest", runId = DateTime.UtcNow.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
        string? outJson = null;
        Uri? metricsUrl = null;
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--mcp-target": target = Parse.BaseUri(Next()); break;
                case "--streams": streams = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--open-rate": openRate = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--hold": hold = Parse.Duration(Next()); break;
                case "--pid": pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--mcp-client": client = Next(); break;
                case "--run-id": runId = Next(); break;
                case "--out-json": outJson = Next(); break;
                case "--metrics-url": metricsUrl = new Uri(Next()); break;
                default: throw new UsageException($"unknown option '{args[i]}' for sse-hold");
            }
        }
        var r = await RunAsync(target, streams, openRate, hold, pid, client, runId, stdout, ct, metricsUrl);
        var json = JsonSerializer.Serialize(r, Report.Json);
        if (outJson != null)
        {
            File.WriteAllText(outJson, json);
        }

        stdout.WriteLine(json);
        return r.Opened == r.Requested && r.StillOpenAtEnd == r.Opened ? 0 : 1;
    }

    public static async Task<Result> RunAsync(Uri target, int streams, int openRate, TimeSpan hold, int? pid, string client, string runId,
                                              TextWriter log, CancellationToken ct, Uri? metricsUrl = null)
    {
        var res = new Result { McpTarget = target.ToString(), Requested = streams, HoldSeconds = hold.TotalSeconds, Pid = pid, Machine = MachineInfo.Describe() };
        if (pid is int p0 && ProcSample.Read(p0) is ProcSample s0) { res.RssBeforeKiB = s0.RssKiB; res.FdsBefore = s0.Fds; }

        using var http = new HttpClient(RunContext.NewStreamHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var openLat = new LongConcurrentHistogram(1, 3_600_000_000, 3);
        var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        int opened = 0, alive = 0;
        var tasks = new List<Task>(streams);
        var t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < streams; i++)
        {
            long due = t0 + (long)((double)i / openRate * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(1, ct);
            }

            string user = $"lt-{runId}-{i:00000}";
            tasks.Add(Task.Run(async () =>
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(target, $"mcp/{client}/sse/{user}"));
                    req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                    using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    if (!resp.IsSuccessStatusCode) { errors.AddOrUpdate("status_" + (int)resp.StatusCode, 1, (_, v) => v + 1); return; }
                    await using var s = await resp.Content.ReadAsStreamAsync(stop.Token);
                    var sse = new SseReader(s);
                    using var first = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    first.CancelAfter(TimeSpan.FromSeconds(30));
                    var ev = await sse.NextAsync(first.Token);
                    if (ev?.Name != "endpoint") { errors.AddOrUpdate("no_endpoint_event", 1, (_, v) => v + 1); return; }
                    openLat.RecordValue(Math.Max(1, (Stopwatch.GetTimestamp() - start) * 1_000_000 / Stopwatch.Frequency));
                    Interlocked.Increment(ref opened);
                    Interlocked.Increment(ref alive);
                    try
                    {
                        while (await sse.NextAsync(stop.Token) != null) { } // pings
                        errors.AddOrUpdate("closed_early", 1, (_, v) => v + 1);
                    }
                    finally { Interlocked.Decrement(ref alive); }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                catch (Exception e) { errors.AddOrUpdate(Errors.Classify(e), 1, (_, v) => v + 1); }
            }));
            if (i % 500 == 499)
            {
                log.WriteLine($"sse-hold: started {i + 1}/{streams}, open {Volatile.Read(ref opened)}, errors {errors.Values.Sum()}");
            }
        }
        // wait until every stream has answered (or failed), then let the target settle
        var waitUntil = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (Volatile.Read(ref opened) + errors.Values.Sum() < streams && Stopwatch.GetTimestamp() < waitUntil)
        {
            await Task.Delay(100, ct);
        }

        log.WriteLine($"sse-hold: {Volatile.Read(ref opened)} streams open, {errors.Values.Sum()} failed; holding {hold.TotalSeconds:0}s");
        await Task.Delay(hold, ct);
        res.Opened = Volatile.Read(ref opened);
        res.StillOpenAtEnd = Volatile.Read(ref alive);
        if (pid is int p1 && ProcSample.Read(p1) is ProcSample s1)
        {
            res.RssHeldKiB = s1.RssKiB; res.HwmKiB = s1.HwmKiB; res.FdsHeld = s1.Fds;
            if (res.RssBeforeKiB is long b && res.Opened > 0)
            {
                res.KiBPerStream = Math.Round((double)(s1.RssKiB - b) / res.Opened, 2);
            }
        }
        if (metricsUrl != null)
        {
            await ScrapeAsync(metricsUrl, pid, res, ct);
        }

        stop.Cancel();
        try { await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None); } catch (Exception) { }
        if (pid is int p2)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None);
            if (ProcSample.Read(p2) is ProcSample s2)
            {
                res.RssAfterCloseKiB = s2.RssKiB;
            }
        }
        res.Failed = errors.Values.Sum();
        res.Errors = errors.ToDictionary(kv => kv.Key, kv => kv.Value);
        if (openLat.TotalCount > 0)
        {
            res.OpenP50Ms = Math.Round(openLat.GetValueAtPercentile(50) / 1000.0, 3);
            res.OpenP99Ms = Math.Round(openLat.GetValueAtPercentile(99) / 1000.0, 3);
            res.OpenMaxMs = Math.Round(openLat.GetMaxValue() / 1000.0, 3);
        }
        return res;
    }
}
