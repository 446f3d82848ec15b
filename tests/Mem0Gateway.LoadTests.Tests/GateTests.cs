using Mem0Gateway.Testing;

namespace Mem0Gateway.LoadTests.Tests;

/// <summary>Thresholds and the baseline compare make the exit code usable as a deployment gate.</summary>
public sealed class GateTests
{
    [Fact]
    public async Task Thresholds_that_hold_exit_zero_and_a_violated_one_exits_one()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(20);
        string[] load = ["--target", Harness.Url(up.Port), "--scenario", "search", "--rate", "50", "--warmup", "0s", "--duration", "1s"];

        var ok = await Harness.Cli([.. load, "--threshold", "search:p95<2000ms", "--threshold", "error_ratio<0.01", "--threshold", "rps>=45"]);
        Assert.Equal(0, ok.Exit);
        Assert.All(ok.Report!.Thresholds, t => Assert.True(t.Passed));

        var bad = await Harness.Cli([.. load, "--threshold", "error_ratio<1%", "--threshold", "search:p95<5ms"]);
        Assert.Equal(1, bad.Exit);
        var t = bad.Report!.Thresholds.Single(x => x.Expression == "search:p95<5ms");
        Assert.False(t.Passed);
        Assert.True(t.Actual >= 20);
        Assert.True(bad.Report.Thresholds.Single(x => x.Expression == "error_ratio<1%").Passed);
        Assert.Contains("**FAIL**", bad.Out);
    }

    [Fact]
    public async Task Error_ratio_threshold_fails_the_run_when_the_upstream_errors()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.FailEvery = 2;
        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "list", "--rate", "50", "--warmup", "0s",
                                  "--duration", "1s", "--threshold", "error_ratio<0.01");
        Assert.Equal(1, r.Exit);
        Assert.InRange(r.Report!.Thresholds[0].Actual!.Value, 0.4, 0.6);
    }

    [Fact]
    public async Task Check_command_applies_thresholds_to_a_saved_report()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(10);
        var file = Harness.Temp("r.json");
        var run = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "list", "--rate", "50", "--warmup", "0s", "--duration", "1s");
        run.Report!.Save(file);

        Assert.Equal(0, (await Harness.Cli("check", "--report", file, "--threshold", "list:p50<1s")).Exit);
        Assert.Equal(1, (await Harness.Cli("check", "--report", file, "--threshold", "list:p50<1ms")).Exit);
        Assert.Equal(1, (await Harness.Cli("check", "--report", file, "--threshold", "search:p50<1s")).Exit); // step not in report
    }

    [Fact]
    public async Task Compare_flags_a_slower_run_against_the_baseline_and_passes_an_equal_one()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(5);
        string[] load = ["--target", Harness.Url(up.Port), "--scenario", "search", "--concurrency", "2", "--warmup", "0.3s", "--duration", "1.5s"];
        var baseFile = Harness.Temp("base.json");
        var fast = await Harness.Cli(load);
        fast.Report!.Save(baseFile);

        // same report against itself: no regression
        var same = await Harness.Cli("compare", "--baseline", baseFile, "--current", baseFile);
        Assert.Equal(0, same.Exit);
        Assert.Contains("No regressions.", same.Out);

        // the upstream gets 40 ms slower: latency up, throughput down -> regression, exit 1
        up.Delay = TimeSpan.FromMilliseconds(45);
        var slow = await Harness.Cli([.. load, "--baseline", baseFile]);
        Assert.Equal(1, slow.Exit);
        var cmp = slow.Report!.Comparison!;
        Assert.Contains(cmp.Rows, r => r.Step == "search" && r.Metric == "p50 ms" && r.Regression);
        Assert.Contains(cmp.Rows, r => r.Step == "search" && r.Metric == "throughput /s" && r.Regression);
        Assert.Contains("**REGRESSION**", slow.Out);

        // the same slow report through the compare command
        var slowFile = Harness.Temp("slow.json");
        slow.Report.Comparison = null;
        slow.Report.Save(slowFile);
        var again = await Harness.Cli("compare", "--baseline", baseFile, "--current", slowFile);
        Assert.True(again.Exit == 1, again.Out);
    }

    private static Report Synthetic(double p50, double p95, double p99, double throughput, double errorRatio) => new()
    {
        RunId = "synthetic",
        Scenario = "search",
        Model = "open",
        TargetRate = 100,
        DurationSeconds = 60,
        Steps =
        {
            new StepReport
            {
                Name = "search", Sent = 6000, Completed = 6000, Ok = 6000, AchievedRate = 100, Throughput = throughput, ErrorRatio = errorRatio,
                LatencyMs = new LatencyMs { P50 = p50, P75 = p50, P90 = p95, P95 = p95, P99 = p99, P999 = p99, Max = p99 },
            },
        },
    };

    private static async Task<CliResult> Compare(Report baseline, Report current, params string[] extra)
    {
        var b = Harness.Temp("b.json");
        var c = Harness.Temp("c.json");
        baseline.Save(b);
        current.Save(c);
        return await Harness.Cli(["compare", "--baseline", b, "--current", c, .. extra]);
    }

    [Fact]
    public async Task Compare_applies_tolerance_and_minimum_delta_in_the_right_direction()
    {
        var baseline = Synthetic(p50: 100, p95: 200, p99: 400, throughput: 100, errorRatio: 0);

        // better everywhere: no regression
        Assert.Equal(0, (await Compare(baseline, Synthetic(50, 100, 200, 120, 0))).Exit);
        // 5 % slower is inside the default 10 % tolerance
        Assert.Equal(0, (await Compare(baseline, Synthetic(105, 210, 420, 96, 0))).Exit);
        // p99 25 % slower: regression, and the row says which metric
        var r = await Compare(baseline, Synthetic(100, 200, 500, 100, 0));
        Assert.Equal(1, r.Exit);
        Assert.Contains("| search | p99 ms | 400 | 500 | 1.25 | **REGRESSION** |", r.Out);
        // ... unless the tolerance allows it
        Assert.Equal(0, (await Compare(baseline, Synthetic(100, 200, 500, 100, 0), "--tolerance", "30%")).Exit);
        // a relative jump on a tiny latency below --min-delta is noise, not a regression
        var fast = Synthetic(0.2, 0.3, 0.5, 100, 0);
        Assert.Equal(0, (await Compare(fast, Synthetic(0.4, 0.6, 1.0, 100, 0))).Exit);
        Assert.Equal(1, (await Compare(fast, Synthetic(0.4, 0.6, 1.0, 100, 0), "--min-delta", "0.1ms")).Exit);
        // throughput down 20 %, and errors appearing, are regressions too
        Assert.Equal(1, (await Compare(baseline, Synthetic(100, 200, 400, 80, 0))).Exit);
        Assert.Equal(1, (await Compare(baseline, Synthetic(100, 200, 400, 100, 0.02))).Exit);
    }

    [Theory]
    [InlineData("--rate", "0")]
    [InlineData("--scenario", "nope")]
    [InlineData("--threshold", "p95<<3")]
    [InlineData("--threshold", "error_ratio<3ms")]
    [InlineData("--bogus", "1")]
    public async Task Bad_command_lines_exit_two_with_a_message(string opt, string value)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(2, await LoadTests.Cli.MainAsync([opt, value], o, e));
        Assert.StartsWith("error:", e.ToString());
    }

    [Fact]
    public async Task Help_describes_models_thresholds_and_compare()
    {
        var o = new StringWriter();
        Assert.Equal(0, await LoadTests.Cli.MainAsync(["--help"], o, new StringWriter()));
        var h = o.ToString();
        foreach (var s in new[] { "--rate", "--concurrency", "--threshold", "--baseline", "compare", "coordinated omission", "lt-<ID>-NNNN" })
        {
            Assert.Contains(s, h);
        }
    }
}
