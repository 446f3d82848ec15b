using System.Diagnostics;
using System.Globalization;
using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.Metrics;

/// <summary>
/// The standard process and GC metrics (the names prometheus-net's DotNetStats uses, which dashboards expect), read
/// cheaply at scrape time. DotNetStats builds a ProcessThread object per thread and walks /proc/self/fd on every
/// scrape, which made /metrics cost tens of milliseconds under load (perf/RESULTS.md); here Linux's /proc/self/stat
/// and /proc/self/status are read once per scrape, and file descriptors are counted at most every 15 s.
/// </summary>
internal sealed class ProcessMetricsCollector
{
    private static readonly TimeSpan HandleCountInterval = TimeSpan.FromSeconds(15);
    private static readonly long PageSize = Environment.SystemPageSize;
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ: 100 on every Linux architecture .NET runs on

    private readonly Counter _cpuSeconds;
    private readonly Gauge _virtualMemory;
    private readonly Gauge _workingSet;
    private readonly Gauge _privateMemory;
    private readonly Gauge _openHandles;
    private readonly Gauge _threads;
    private readonly Gauge _totalManagedMemory;
    private readonly Counter.Child[] _collections;
    private readonly Process? _process; // only where /proc is missing
    private long _handlesCountedAt = long.MinValue;

    private ProcessMetricsCollector(CollectorRegistry registry)
    {
        var factory = GatewayMetricFactory.For(registry);
        factory.CreateGauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.")
            .Set((Process.GetCurrentProcess().StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds);
        _cpuSeconds = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent, in seconds.");
        _virtualMemory = factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        _workingSet = factory.CreateGauge("process_working_set_bytes", "Process working set (resident memory) in bytes.");
        _privateMemory = factory.CreateGauge("process_private_memory_bytes", "Process private (data segment) memory in bytes.");
        _openHandles = factory.CreateGauge("process_open_handles", "Number of open handles (file descriptors), counted at most every 15 s.");
        _threads = factory.CreateGauge("process_num_threads", "Total number of threads.");
        _totalManagedMemory = factory.CreateGauge("dotnet_total_memory_bytes", "Total known allocated managed memory, in bytes.");
        var collections = factory.CreateCounter("dotnet_collection_count_total", "GC collection count by generation.",
            new CounterConfiguration { LabelNames = ["generation"] });
        _collections = Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => collections.WithLabels(g.ToString(CultureInfo.InvariantCulture))).ToArray();
        if (!File.Exists("/proc/self/stat"))
        {
            _process = Process.GetCurrentProcess();
        }
    }

    public static void Register(CollectorRegistry registry)
    {
        var collector = new ProcessMetricsCollector(registry);
        registry.AddBeforeCollectCallback(collector.Update);
    }

    private void Update()
    {
        for (var generation = 0; generation < _collections.Length; generation++)
        {
            _collections[generation].IncTo(GC.CollectionCount(generation));
        }

        _totalManagedMemory.Set(GC.GetTotalMemory(forceFullCollection: false));
        if (_process is not null)
        {
            UpdateFromProcess(_process);
            return;
        }

        // /proc/self/stat: the fields after the command name, which is in parentheses and may contain spaces.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime 15, num_threads 20, vsize 23, rss 24.
        _cpuSeconds.IncTo((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond);
        _threads.Set(long.Parse(fields[17], CultureInfo.InvariantCulture));
        _virtualMemory.Set(long.Parse(fields[20], CultureInfo.InvariantCulture));
        _workingSet.Set(long.Parse(fields[21], CultureInfo.InvariantCulture) * PageSize);

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmData:", StringComparison.Ordinal))
            {
                _privateMemory.Set(ParseKilobytes(line) * 1024);
                break;
            }
        }

        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_handlesCountedAt, now) >= HandleCountInterval || _handlesCountedAt == long.MinValue)
        {
            _handlesCountedAt = now;
            _openHandles.Set(Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
        }
    }

    private void UpdateFromProcess(Process process)
    {
        process.Refresh();
        _cpuSeconds.IncTo(process.TotalProcessorTime.TotalSeconds);
        _virtualMemory.Set(process.VirtualMemorySize64);
        _workingSet.Set(process.WorkingSet64);
        _privateMemory.Set(process.PrivateMemorySize64);
        _openHandles.Set(process.HandleCount);
        _threads.Set(process.Threads.Count);
    }

    private static long ParseKilobytes(string statusLine)
    {
        var digits = statusLine.AsSpan("VmData:".Length).Trim();
        return long.Parse(digits[..digits.IndexOf(' ')], CultureInfo.InvariantCulture);
    }
}
