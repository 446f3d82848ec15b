namespace Mem0Gateway.LoadTests.Tests;

/// <summary>Thresholds and the baseline compare make the exit code usable as a deployment gate.</summary>
public sealed class GateTests
{
    [Fact]
    public async Task Thresholds_that_hold_exit_zero_and_a_violated_one_exits_one()
    {
        await using var up = new FakeUpstream { Delay = TimeSpan.FromMilliseconds(20) };
        await up.StartAsync(mcp: false);
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
        await using var up = new FakeUpstream { FailEvery = 2 };
        await up.StartAsync(mcp: false);
        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "list", "--rate", "50", "--warmup", "0s",
                                  "--duration", "1s", "--threshold", "error_ratio<0.01");
        Assert.Equal(1, r.Exit);
        Assert.InRange(r.Report!.Thresholds[0].Actual!.Value, 0.4, 0.6);
    }

    [Fact]
    public async Task Check_command_applies_thresholds_to_a_saved_report()
    {
        await using var up = new FakeUpstream { Delay = TimeSpan.FromMilliseconds(10) };
        await up.StartAsync(mcp: false);
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
        await using var up = new FakeUpstream { Delay = TimeSpan.FromMilliseconds(5) };
        await up.StartAsync(mcp: false);
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

        // the same slow report through the compare command, and the other way round (faster is not a regression)
        var slowFile = Harness.Temp("slow.json");
        slow.Report.Comparison = null;
        slow.Report.Save(slowFile);
        Assert.Equal(1, (await Harness.Cli("compare", "--baseline", baseFile, "--current", slowFile)).Exit);
        Assert.Equal(0, (await Harness.Cli("compare", "--baseline", slowFile, "--current", baseFile)).Exit);
        // a generous tolerance accepts it
        Assert.Equal(0, (await Harness.Cli("compare", "--baseline", baseFile, "--current", slowFile, "--tolerance", "2000%")).Exit);
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
            Assert.Contains(s, h);
    }
}
