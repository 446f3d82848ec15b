using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using HdrHistogram;

namespace Mem0Gateway.LoadTests;

/// <summary>Result of one iteration or one sub-step.</summary>
public readonly record struct Outcome(bool Ok, int Status, string? Cause, string? Step = null)
{
    public static Outcome Success(int status = 200, string? step = null) => new(true, status, null, step);
    public static Outcome Fail(int status, string cause, string? step = null) => new(false, status, cause, step);
}

/// <summary>Counters and latency histograms of one step (microseconds).</summary>
public sealed class StepStats
{
    public const long HighestUs = 3_600_000_000; // one hour
    public readonly string Name;
    private readonly Recorder _recorder = new(1, HighestUs, 3, (id, lo, hi, d) => new LongConcurrentHistogram(id, lo, hi, d));
    private readonly LongHistogram _total = new(1, HighestUs, 3);
    private HistogramBase? _recycle;
    private readonly object _gate = new();
    private long _sent, _completed, _ok, _failed, _dropped;
    private readonly ConcurrentDictionary<string, long> _byStatus = new();
    private readonly ConcurrentDictionary<string, long> _byCause = new();

    public StepStats(string name) => Name = name;

    public long Sent => Interlocked.Read(ref _sent);
    public long Completed => Interlocked.Read(ref _completed);
    public long Failed => Interlocked.Read(ref _failed);

    public void MarkSent() => Interlocked.Increment(ref _sent);

    public void MarkDropped()
    {
        Interlocked.Increment(ref _dropped);
        _byCause.AddOrUpdate("client_overload", 1, (_, v) => v + 1);
    }

    public void Record(long micros, in Outcome o)
    {
        Interlocked.Increment(ref _completed);
        if (o.Ok)
        {
            Interlocked.Increment(ref _ok);
            _recorder.RecordValue(Math.Clamp(micros, 1, HighestUs));
        }
        else
        {
            Interlocked.Increment(ref _failed);
            if (o.Status > 0)
            {
                _byStatus.AddOrUpdate(o.Status.ToString(CultureInfo.InvariantCulture), 1, (_, v) => v + 1);
            }

            _byCause.AddOrUpdate(o.Cause ?? "other", 1, (_, v) => v + 1);
        }
    }

    /// <summary>Moves the interval histogram into the total and returns it (valid until the next call).</summary>
    public HistogramBase Collect()
    {
        lock (_gate)
        {
            var interval = _recycle == null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_recycle);
            _total.Add(interval);
            _recycle = interval;
            return interval;
        }
    }

    public StepReport ToReport(double durationSeconds, double? targetRate, long unfinished)
    {
        Collect();
        var h = _total;
        var r = new StepReport
        {
            Name = Name,
            Sent = Sent,
            Completed = Completed,
            Ok = Interlocked.Read(ref _ok),
            Failed = Failed,
            Dropped = Interlocked.Read(ref _dropped),
            Unfinished = unfinished,
            TargetRate = targetRate,
            AchievedRate = Math.Round(Sent / durationSeconds, 3),
            Throughput = Math.Round(Interlocked.Read(ref _ok) / durationSeconds, 3),
        };
        long denom = r.Completed + r.Dropped + r.Unfinished;
        r.ErrorRatio = denom == 0 ? 0 : Math.Round((double)(r.Failed + r.Dropped + r.Unfinished) / denom, 6);
        if (unfinished > 0)
        {
            _byCause.AddOrUpdate("unfinished", unfinished, (_, v) => v + unfinished);
        }

        if (h.TotalCount > 0)
        {
            static double Ms(long us) => Math.Round(us / 1000.0, 3);
            r.LatencyMs = new LatencyMs
            {
                Min = Ms(h.LowestEquivalentValue(h.RecordedValues().First().ValueIteratedTo)),
                Mean = Math.Round(h.GetMean() / 1000.0, 3),
                P50 = Ms(h.GetValueAtPercentile(50)),
                P75 = Ms(h.GetValueAtPercentile(75)),
                P90 = Ms(h.GetValueAtPercentile(90)),
                P95 = Ms(h.GetValueAtPercentile(95)),
                P99 = Ms(h.GetValueAtPercentile(99)),
                P999 = Ms(h.GetValueAtPercentile(99.9)),
                Max = Ms(h.GetMaxValue()),
            };
        }
        foreach (var kv in _byStatus)
        {
            r.ErrorsByStatus[kv.Key] = kv.Value;
        }

        foreach (var kv in _byCause)
        {
            r.ErrorsByCause[kv.Key] = kv.Value;
        }

        return r;
    }
}

/// <summary>Shared state of a run: clients, users, memory-id pool, stats.</summary>
public sealed class RunContext : IDisposable
{
    public RunOptions Options { get; }
    public HttpClient Http { get; }
    public HttpClient Streams { get; }
    public StepStats Total { get; }
    public Dictionary<string, StepStats> Steps { get; } = new();
    public readonly ConcurrentQueue<string> MemoryIds = new();
    public int MemoryIdCount;
    private int _userCursor;

    public RunContext(RunOptions o, string scenarioName)
    {
        Options = o;
        Http = new HttpClient(NewHandler(o.Connections), disposeHandler: true) { Timeout = o.Timeout };
        Streams = new HttpClient(NewStreamHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Total = new StepStats(scenarioName);
    }

    public static SocketsHttpHandler NewHandler(int connections) => new()
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>For event streams: unlimited connections, and closing a stream closes its connection at once
    /// (the default would try to drain an endless SSE body for 2 s before giving up).</summary>
    public static SocketsHttpHandler NewStreamHandler()
    {
        var h = NewHandler(int.MaxValue);
        h.MaxResponseDrainSize = 0;
        return h;
    }

    public StepStats Step(string name)
    {
        lock (Steps)
        {
            if (!Steps.TryGetValue(name, out var s))
            {
                Steps[name] = s = new StepStats(name);
            }

            return s;
        }
    }

    public int NextUser() => (int)((uint)Interlocked.Increment(ref _userCursor) % (uint)Options.Users);

    public void AddMemoryId(string id)
    {
        if (Volatile.Read(ref MemoryIdCount) >= 10_000)
        {
            return;
        }

        MemoryIds.Enqueue(id);
        Interlocked.Increment(ref MemoryIdCount);
    }

    public void Dispose()
    {
        Http.Dispose();
        Streams.Dispose();
    }
}

public sealed class Runner(RunOptions o, TextWriter stdout, TextWriter stderr)
{
    private long _inFlight;
    private long _warmupDone;

    public async Task<Report> RunAsync(CancellationToken ct)
    {
        // a load generator must not wait for the thread pool's hill climbing to add threads
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        int want = Math.Clamp(o.Model == LoadModel.Closed ? o.Concurrency : 64, 16, 256);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, want), Math.Max(minIo, want));

        var scenario = Scenario.Create(o);
        using var ctx = new RunContext(o, scenario.Name);
        foreach (var s in scenario.SubSteps)
        {
            ctx.Step(s);
        }

        if (!o.Quiet)
        {
            stdout.WriteLine($"run {o.RunId}: scenario {scenario.Name}, {(o.Model == LoadModel.Open ? $"open model {o.Rate}/s" : $"closed model x{o.Concurrency}")}, " +
                             $"warm-up {o.Warmup.TotalSeconds:0.#}s, duration {o.Duration.TotalSeconds:0.#}s, target {(scenario.Name == "mcp" ? o.McpTarget : o.Target)}, users {o.UserPrefix}0000..{o.Users - 1:0000}");
        }

        await scenario.SetupAsync(ctx, ct);

        var started = DateTime.UtcNow;
        long freq = Stopwatch.Frequency;
        long t0 = Stopwatch.GetTimestamp();
        long warmEnd = t0 + (long)(o.Warmup.TotalSeconds * freq);
        long end = warmEnd + (long)(o.Duration.TotalSeconds * freq);

        using var progressCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = ProgressLoop(ctx, scenario, t0, warmEnd, end, progressCts.Token);

        if (o.Model == LoadModel.Open)
        {
            await Task.Factory.StartNew(() => OpenLoop(ctx, scenario, t0, warmEnd, end, ct), TaskCreationOptions.LongRunning);
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(_ => Task.Run(() => ClosedWorker(ctx, scenario, warmEnd, end, ct))));
        }

        // drain: wait for in-flight iterations up to the timeout
        var drainUntil = Stopwatch.GetTimestamp() + (long)((o.Timeout.TotalSeconds + 2) * freq);
        while (Interlocked.Read(ref _inFlight) > 0 && Stopwatch.GetTimestamp() < drainUntil && !ct.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        long unfinished = Interlocked.Read(ref _inFlight);
        if (unfinished > 0)
        {
            stderr.WriteLine($"warning: {unfinished} iterations still in flight after the drain timeout; counted as errors (cause unfinished)");
        }

        progressCts.Cancel();
        try { await progress; } catch (OperationCanceledException) { }
        if (o.Progress)
        {
            stdout.WriteLine();
        }

        if (o.Cleanup)
        {
            await scenario.CleanupAsync(ctx, stdout, CancellationToken.None);
        }

        double dur = o.Duration.TotalSeconds;
        double? target = o.Model == LoadModel.Open ? o.Rate : null;
        var report = new Report
        {
            RunId = o.RunId,
            StartedUtc = started,
            Target = o.Target.ToString(),
            McpTarget = scenario.Name == "mcp" ? o.McpTarget.ToString() : null,
            Scenario = scenario.Name,
            Mix = scenario.Name == "mix" ? o.Mix : null,
            Model = o.Model == LoadModel.Open ? "open" : "closed",
            TargetRate = target,
            Concurrency = o.Model == LoadModel.Closed ? o.Concurrency : null,
            WarmupSeconds = o.Warmup.TotalSeconds,
            DurationSeconds = dur,
            Connections = o.Connections,
            Users = o.Users,
            UserPrefix = o.UserPrefix,
            Machine = MachineInfo.Describe(),
        };
        report.Steps.Add(ctx.Total.ToReport(dur, target, unfinished));
        foreach (var name in scenario.SubSteps)
        {
            double? stepTarget = null;
            if (target is double t && scenario.Name == "mix")
            {
                stepTarget = Math.Round(t * o.Mix.GetValueOrDefault(name) / o.Mix.Values.Sum(), 3);
            }

            report.Steps.Add(ctx.Steps[name].ToReport(dur, stepTarget, 0));
        }
        if (ctx.Total.Sent == 0)
        {
            throw new RunFailedException("no iteration was started in the measured window");
        }

        return report;
    }

    private void OpenLoop(RunContext ctx, Scenario scenario, long t0, long warmEnd, long end, CancellationToken ct)
    {
        double ticksPerIteration = Stopwatch.Frequency / o.Rate;
        long i = 0;
        while (!ct.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            long intended;
            while ((intended = t0 + (long)(i * ticksPerIteration)) <= now)
            {
                if (intended >= end)
                {
                    return;
                }

                i++;
                bool measured = intended >= warmEnd;
                if (Interlocked.Read(ref _inFlight) >= o.MaxInFlight)
                {
                    if (measured)
                    {
                        ctx.Total.MarkDropped();
                    }

                    continue;
                }
                Interlocked.Increment(ref _inFlight);
                _ = RunIteration(ctx, scenario, intended, measured, ct);
            }
            if (intended >= end)
            {
                return;
            }

            long waitTicks = intended - Stopwatch.GetTimestamp();
            if (waitTicks > Stopwatch.Frequency / 500) // > 2 ms: sleep, wakes ~1 ms late at worst
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, (waitTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency) - TimeSpan.TicksPerMillisecond)));
            }
            else if (waitTicks > 0)
            {
                Thread.Yield();
            }
        }
    }

    private async Task ClosedWorker(RunContext ctx, Scenario scenario, long warmEnd, long end, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            if (start >= end)
            {
                return;
            }

            Interlocked.Increment(ref _inFlight);
            await RunIteration(ctx, scenario, start, start >= warmEnd, ct);
        }
    }

    private async Task RunIteration(RunContext ctx, Scenario scenario, long intended, bool measured, CancellationToken ct)
    {
        try
        {
            if (measured)
            {
                ctx.Total.MarkSent();
            }
            else
            {
                Interlocked.Increment(ref _warmupDone);
            }

            Outcome outcome;
            try
            {
                outcome = await scenario.ExecuteAsync(ctx, measured, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                outcome = Outcome.Fail(0, Errors.Classify(e));
            }
            long micros = (Stopwatch.GetTimestamp() - intended) * 1_000_000 / Stopwatch.Frequency;
            if (measured)
            {
                ctx.Total.Record(micros, outcome);
                if (outcome.Step != null && ctx.Steps.TryGetValue(outcome.Step, out var step))
                {
                    step.MarkSent();
                    step.Record(micros, outcome);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ProgressLoop(RunContext ctx, Scenario scenario, long t0, long warmEnd, long end, CancellationToken ct)
    {
        if (!o.Progress)
        {
            return;
        }

        bool tty = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
        long lastSent = 0, lastWarm = 0;
        long lastTs = Stopwatch.GetTimestamp();
        var interval = o.ProgressInterval;
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(interval, ct); } catch (OperationCanceledException) { return; }
            long now = Stopwatch.GetTimestamp();
            double secs = (double)(now - lastTs) / Stopwatch.Frequency;
            lastTs = now;
            var h = ctx.Total.Collect();
            foreach (var s in ctx.Steps.Values)
            {
                s.Collect();
            }

            long sent = ctx.Total.Sent, warm = Interlocked.Read(ref _warmupDone);
            double rate = (sent - lastSent + warm - lastWarm) / secs;
            lastSent = sent; lastWarm = warm;
            double el = (double)(now - t0) / Stopwatch.Frequency;
            string phase = now < warmEnd ? "warm-up" : now < end ? "measure" : "drain";
            string lat = h.TotalCount > 0
                ? $"p50 {h.GetValueAtPercentile(50) / 1000.0:0.00}ms p99 {h.GetValueAtPercentile(99) / 1000.0:0.00}ms"
                : "p50 - p99 -";
            string line = string.Create(CultureInfo.InvariantCulture,
                $"[{el,6:0.0}s {phase,-7}] sent {sent} done {ctx.Total.Completed} err {ctx.Total.Failed} in-flight {Interlocked.Read(ref _inFlight)} rate {rate:0.0}/s | last {interval.TotalSeconds:0.#}s {lat}");
            if (tty)
            {
                stdout.Write("\r" + line.PadRight(Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 160) : 120));
            }
            else
            {
                stdout.WriteLine(line);
            }
        }
    }
}

public static class Errors
{
    public static string Classify(Exception e)
    {
        switch (e)
        {
            case TaskCanceledException tce when tce.InnerException is TimeoutException:
            case TimeoutException:
                return "timeout";
            case OperationCanceledException:
                return "canceled";
            case HttpRequestException hre:
            {
                if (hre.InnerException is System.Net.Sockets.SocketException se)
                {
                    return se.SocketErrorCode switch
                    {
                        System.Net.Sockets.SocketError.ConnectionRefused => "connection_refused",
                        System.Net.Sockets.SocketError.ConnectionReset => "connection_reset",
                        System.Net.Sockets.SocketError.TimedOut => "connect_timeout",
                        _ => "socket_" + se.SocketErrorCode.ToString().ToLowerInvariant(),
                    };
                }

                return hre.HttpRequestError switch
                {
                    HttpRequestError.ResponseEnded => "response_ended",
                    HttpRequestError.ConnectionError => "connection_error",
                    HttpRequestError.InvalidResponse => "invalid_response",
                    HttpRequestError.NameResolutionError => "name_resolution",
                    _ => "http_" + hre.HttpRequestError.ToString().ToLowerInvariant(),
                };
            }
            case IOException io when io.InnerException is System.Net.Sockets.SocketException:
                return "connection_reset";
            case IOException:
                return "io_error";
            case System.Text.Json.JsonException:
                return "bad_json";
            default:
                return "exception_" + e.GetType().Name;
        }
    }

    public static string ForStatus(int status) => status switch
    {
        >= 500 => "http_5xx",
        >= 400 => "http_4xx",
        >= 300 => "http_3xx",
        _ => "http_other",
    };
}

public static class MachineInfo
{
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null)
            {
                cpu = line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return $"{Environment.ProcessorCount} cores, {cpu}, .NET {Environment.Version}";
    }
}
