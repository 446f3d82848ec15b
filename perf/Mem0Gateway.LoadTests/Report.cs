using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Mem0Gateway.LoadTests;

public sealed class LatencyMs
{
    public double Min { get; set; }
    public double Mean { get; set; }
    public double P50 { get; set; }
    public double P75 { get; set; }
    public double P90 { get; set; }
    public double P95 { get; set; }
    public double P99 { get; set; }
    [JsonPropertyName("p99_9")] public double P999 { get; set; }
    public double Max { get; set; }
}

public sealed class StepReport
{
    public string Name { get; set; } = "";
    /// <summary>Iterations actually started in the measured window.</summary>
    public long Sent { get; set; }
    /// <summary>Iterations that finished (ok or failed) out of those sent.</summary>
    public long Completed { get; set; }
    public long Ok { get; set; }
    public long Failed { get; set; }
    /// <summary>Open model: iterations not started because --max-in-flight was reached.</summary>
    public long Dropped { get; set; }
    /// <summary>Still in flight when the run gave up waiting.</summary>
    public long Unfinished { get; set; }
    public double? TargetRate { get; set; }
    /// <summary>Sent per second of measured duration.</summary>
    public double AchievedRate { get; set; }
    /// <summary>Successful completions per second of measured duration.</summary>
    public double Throughput { get; set; }
    public double ErrorRatio { get; set; }
    public LatencyMs LatencyMs { get; set; } = new();
    public SortedDictionary<string, long> ErrorsByStatus { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ErrorsByCause { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ThresholdResult
{
    public string Expression { get; set; } = "";
    public double? Actual { get; set; }
    public bool Passed { get; set; }
    public string? Note { get; set; }
}

public sealed class Report
{
    public string Tool { get; set; } = "Mem0Gateway.LoadTests";
    public int FormatVersion { get; set; } = 1;
    public string RunId { get; set; } = "";
    public DateTime StartedUtc { get; set; }
    public string Target { get; set; } = "";
    public string? McpTarget { get; set; }
    public string Scenario { get; set; } = "";
    public Dictionary<string, int>? Mix { get; set; }
    public string Model { get; set; } = "open";
    public double? TargetRate { get; set; }
    public int? Concurrency { get; set; }
    public double WarmupSeconds { get; set; }
    public double DurationSeconds { get; set; }
    public int Connections { get; set; }
    public int Users { get; set; }
    public string UserPrefix { get; set; } = "";
    public string Machine { get; set; } = "";
    public List<StepReport> Steps { get; set; } = new();
    public List<ThresholdResult> Thresholds { get; set; } = new();
    public Comparison? Comparison { get; set; }

    public StepReport? Step(string name) => Steps.FirstOrDefault(s => s.Name == name);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static Report Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Report>(File.ReadAllText(path), Json)
                   ?? throw new UsageException($"{path}: empty report");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read report {path}: {e.Message}");
        }
    }
}

public sealed class Threshold
{
    public string Expression { get; init; } = "";
    public string? Step { get; init; }
    public string Metric { get; init; } = "";
    public string Op { get; init; } = "<";
    public double Value { get; init; }

    private static readonly Regex Re = new(
        @"^(?:(?<step>[a-z][a-z0-9_\-]*):)?(?<metric>p50|p75|p90|p95|p99\.9|p999|p99|max|mean|error_ratio|rps|throughput)\s*(?<op><=|>=|<|>)\s*(?<val>[0-9]+(?:\.[0-9]+)?)\s*(?<unit>ms|us|s|%)?$",
        RegexOptions.CultureInvariant);

    public static Threshold Parse(string expr)
    {
        var m = Re.Match(expr.Trim());
        if (!m.Success)
        {
            throw new UsageException($"bad threshold '{expr}' (examples: search:p95<2000ms, error_ratio<0.01, error_ratio<1%, rps>=95)");
        }

        var metric = m.Groups["metric"].Value == "p999" ? "p99.9" : m.Groups["metric"].Value;
        double v = double.Parse(m.Groups["val"].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value;
        bool latency = metric.StartsWith('p') || metric is "max" or "mean";
        if (latency)
        {
            v = unit switch { "s" => v * 1000, "us" => v / 1000, "" or "ms" => v, _ => throw new UsageException($"threshold '{expr}': latency unit must be ms, s or us") };
        }
        else if (metric == "error_ratio")
        {
            if (unit == "%")
            {
                v /= 100;
            }
            else if (unit != "")
            {
                throw new UsageException($"threshold '{expr}': error_ratio takes a ratio (0.01) or percent (1%)");
            }
        }
        else if (unit != "")
        {
            throw new UsageException($"threshold '{expr}': {metric} takes no unit");
        }

        return new Threshold
        {
            Expression = expr.Trim(),
            Step = m.Groups["step"].Success ? m.Groups["step"].Value : null,
            Metric = metric,
            Op = m.Groups["op"].Value,
            Value = v,
        };
    }

    public static double? Read(StepReport s, string metric) => metric switch
    {
        "p50" => s.LatencyMs.P50,
        "p75" => s.LatencyMs.P75,
        "p90" => s.LatencyMs.P90,
        "p95" => s.LatencyMs.P95,
        "p99" => s.LatencyMs.P99,
        "p99.9" => s.LatencyMs.P999,
        "max" => s.LatencyMs.Max,
        "mean" => s.LatencyMs.Mean,
        "error_ratio" => s.ErrorRatio,
        "rps" => s.AchievedRate,
        "throughput" => s.Throughput,
        _ => null,
    };

    public ThresholdResult Evaluate(Report r)
    {
        var stepName = Step ?? r.Scenario;
        var step = r.Step(stepName);
        if (step == null)
        {
            return new ThresholdResult { Expression = Expression, Passed = false, Note = $"no step '{stepName}' in the report (steps: {string.Join(", ", r.Steps.Select(s => s.Name))})" };
        }

        bool isLatency = Metric.StartsWith('p') || Metric is "max" or "mean";
        if (isLatency && step.Ok == 0)
        {
            return new ThresholdResult { Expression = Expression, Passed = false, Note = "no successful requests, so no latency to check" };
        }

        var actual = Read(step, Metric)!.Value;
        bool pass = Op switch
        {
            "<" => actual < Value,
            "<=" => actual <= Value,
            ">" => actual > Value,
            ">=" => actual >= Value,
            _ => false,
        };
        return new ThresholdResult { Expression = Expression, Actual = Math.Round(actual, 4), Passed = pass };
    }
}

public sealed class ComparisonRow
{
    public string Step { get; set; } = "";
    public string Metric { get; set; } = "";
    public double Baseline { get; set; }
    public double Current { get; set; }
    public double? ChangeRatio { get; set; }
    public bool Regression { get; set; }
}

public sealed class Comparison
{
    public string BaselineFile { get; set; } = "";
    public string BaselineRunId { get; set; } = "";
    public double Tolerance { get; set; }
    public double MinDeltaMs { get; set; }
    public int Regressions { get; set; }
    public List<ComparisonRow> Rows { get; set; } = new();
    public List<string> Notes { get; set; } = new();
}

public static class Comparer
{
    private static readonly string[] LatencyMetrics = ["p50", "p95", "p99"];

    /// <summary>
    /// Latency regresses when current &gt; baseline*(1+tol) and the increase is at least minDeltaMs.
    /// Throughput regresses when current &lt; baseline*(1-tol). The error ratio regresses when it rises by
    /// more than tol relative and more than 0.1 percentage points absolute.
    /// </summary>
    public static Comparison Compare(Report baseline, Report current, double tol, double minDeltaMs, string baselineFile)
    {
        var c = new Comparison { BaselineFile = baselineFile, BaselineRunId = baseline.RunId, Tolerance = tol, MinDeltaMs = minDeltaMs };
        if (baseline.Scenario != current.Scenario)
        {
            c.Notes.Add($"scenario differs: baseline {baseline.Scenario}, current {current.Scenario}");
        }

        if (baseline.Model != current.Model || baseline.TargetRate != current.TargetRate || baseline.Concurrency != current.Concurrency)
        {
            c.Notes.Add($"load differs: baseline {Describe(baseline)}, current {Describe(current)}");
        }

        foreach (var cs in current.Steps)
        {
            var bs = baseline.Step(cs.Name);
            if (bs == null) { c.Notes.Add($"step {cs.Name} is not in the baseline"); continue; }
            foreach (var m in LatencyMetrics)
            {
                double b = Threshold.Read(bs, m)!.Value, v = Threshold.Read(cs, m)!.Value;
                bool reg = v > b * (1 + tol) && v - b >= minDeltaMs;
                c.Rows.Add(Row(cs.Name, m + " ms", b, v, reg));
            }
            {
                double b = bs.Throughput, v = cs.Throughput;
                bool reg = v < b * (1 - tol);
                c.Rows.Add(Row(cs.Name, "throughput /s", b, v, reg));
            }
            {
                double b = bs.ErrorRatio, v = cs.ErrorRatio;
                bool reg = v > b * (1 + tol) && v - b > 0.001;
                c.Rows.Add(Row(cs.Name, "error_ratio", b, v, reg));
            }
        }
        foreach (var bs in baseline.Steps)
        {
            if (current.Step(bs.Name) == null)
            {
                c.Notes.Add($"step {bs.Name} is missing from the current report");
            }
        }

        c.Regressions = c.Rows.Count(r => r.Regression);
        return c;
    }

    private static string Describe(Report r) => r.Model == "open" ? $"open {r.TargetRate}/s" : $"closed x{r.Concurrency}";

    private static ComparisonRow Row(string step, string metric, double b, double v, bool reg) => new()
    {
        Step = step,
        Metric = metric,
        Baseline = Math.Round(b, 4),
        Current = Math.Round(v, 4),
        ChangeRatio = b > 0 ? Math.Round(v / b, 4) : null,
        Regression = reg,
    };
}

public static class MarkdownWriter
{
    private static string F(double v) => v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    public static string Write(Report r)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# Load test report: {r.Scenario} ({r.RunId})");
        sb.AppendLine();
        sb.AppendLine("| setting | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| started (UTC) | {r.StartedUtc:yyyy-MM-dd HH:mm:ss} |");
        sb.AppendLine($"| target | {r.Target} |");
        if (r.McpTarget != null)
        {
            sb.AppendLine($"| MCP target | {r.McpTarget} |");
        }

        sb.AppendLine($"| scenario | {r.Scenario}{(r.Mix != null ? " (" + string.Join(", ", r.Mix.Select(kv => $"{kv.Key}={kv.Value}")) + ")" : "")} |");
        sb.AppendLine(r.Model == "open"
            ? $"| load model | open, {F(r.TargetRate ?? 0)} iterations/s (latency from intended start) |"
            : $"| load model | closed, {r.Concurrency} concurrent workers |");
        sb.AppendLine($"| warm-up / duration | {r.WarmupSeconds:0.#} s / {r.DurationSeconds:0.#} s |");
        sb.AppendLine($"| users | {r.Users} ({r.UserPrefix}NNNN) |");
        sb.AppendLine($"| machine | {r.Machine} |");
        sb.AppendLine();
        sb.AppendLine("| step | sent | completed | ok | failed | target/s | achieved/s | ok/s | p50 ms | p75 ms | p90 ms | p95 ms | p99 ms | p99.9 ms | max ms | error ratio |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var s in r.Steps)
        {
            var l = s.LatencyMs;
            sb.AppendLine($"| {s.Name} | {s.Sent} | {s.Completed} | {s.Ok} | {s.Failed + s.Dropped + s.Unfinished} | {(s.TargetRate is double t ? F(t) : "-")} | {F(s.AchievedRate)} | {F(s.Throughput)} | {F(l.P50)} | {F(l.P75)} | {F(l.P90)} | {F(l.P95)} | {F(l.P99)} | {F(l.P999)} | {F(l.Max)} | {s.ErrorRatio.ToString("0.####", CultureInfo.InvariantCulture)} |");
        }
        var errs = r.Steps.Where(s => s.ErrorsByCause.Count > 0 || s.ErrorsByStatus.Count > 0).ToList();
        if (errs.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Errors");
            sb.AppendLine();
            sb.AppendLine("| step | kind | value | count |");
            sb.AppendLine("|---|---|---|--:|");
            foreach (var s in errs)
            {
                foreach (var kv in s.ErrorsByStatus)
                {
                    sb.AppendLine($"| {s.Name} | status | {kv.Key} | {kv.Value} |");
                }

                foreach (var kv in s.ErrorsByCause)
                {
                    sb.AppendLine($"| {s.Name} | cause | {kv.Key} | {kv.Value} |");
                }
            }
        }
        if (r.Thresholds.Count > 0) { sb.AppendLine(); sb.Append(WriteThresholds(r.Thresholds)); }
        if (r.Comparison != null) { sb.AppendLine(); sb.Append(WriteComparison(r.Comparison)); }
        return sb.ToString();
    }

    public static string WriteThresholds(IEnumerable<ThresholdResult> ts)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Thresholds");
        sb.AppendLine();
        sb.AppendLine("| threshold | actual | result |");
        sb.AppendLine("|---|--:|---|");
        foreach (var t in ts)
        {
            sb.AppendLine($"| `{t.Expression}` | {(t.Actual is double a ? a.ToString("0.####", CultureInfo.InvariantCulture) : "-")} | {(t.Passed ? "pass" : "**FAIL**")}{(t.Note != null ? " (" + t.Note + ")" : "")} |");
        }

        return sb.ToString();
    }

    public static string WriteComparison(Comparison c)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## Compared with baseline {c.BaselineFile} (run {c.BaselineRunId}), tolerance {c.Tolerance:P0}, min latency delta {c.MinDeltaMs:0.###} ms");
        sb.AppendLine();
        sb.AppendLine("| step | metric | baseline | current | current/baseline | verdict |");
        sb.AppendLine("|---|---|--:|--:|--:|---|");
        foreach (var r in c.Rows)
        {
            sb.AppendLine($"| {r.Step} | {r.Metric} | {F(r.Baseline)} | {F(r.Current)} | {(r.ChangeRatio is double x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {(r.Regression ? "**REGRESSION**" : "ok")} |");
        }

        foreach (var n in c.Notes)
        {
            sb.AppendLine($"\nNote: {n}");
        }

        sb.AppendLine();
        sb.AppendLine(c.Regressions == 0 ? "No regressions." : $"**{c.Regressions} regression(s).**");
        return sb.ToString();
    }
}
