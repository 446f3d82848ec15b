using Mem0Gateway.Testing;

namespace Mem0Gateway.LoadTests.Tests;

/// <summary>The numbers in the report match what the upstream really did.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public async Task Fixed_upstream_delay_shows_up_as_the_percentiles()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(50);

        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "list", "--concurrency", "4",
                                  "--warmup", "1s", "--duration", "2s");

        Assert.Equal(0, r.Exit);
        var s = r.Report!.Step("list")!;
        Assert.True(s.Ok >= 50, $"only {s.Ok} requests completed");
        Assert.Equal(0, s.Failed);
        // 3 significant digits: one bucket at 50 ms is 0.032 ms wide, and nothing answers faster than the delay;
        // loopback + Kestrel add a few ms on top of it (more on a busy machine).
        var l = s.LatencyMs;
        Assert.InRange(l.Min, 50.0 - 0.032, 60);
        Assert.InRange(l.P50, 50.0, 150); // upper bounds are loose: a busy CI machine delays every response
        Assert.True(l.P50 <= l.P75 && l.P75 <= l.P90 && l.P90 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.P999 && l.P999 <= l.Max);
        // closed model, 4 workers x >= 50 ms: never more than 80 req/s
        Assert.InRange(s.Throughput, 10, 80.5);
        // Little's law cross-checks the histogram against the request count: 4 busy workers => mean = 4 / throughput
        double expectedMeanMs = 4 * 1000.0 / s.Throughput;
        Assert.InRange(l.Mean, expectedMeanMs * 0.9, expectedMeanMs * 1.1);
    }

    [Fact]
    public async Task A_slow_tenth_of_requests_is_visible_in_the_tail_but_not_the_median()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(20);
        up.SlowEvery = 10;
        up.SlowDelay = TimeSpan.FromMilliseconds(200);

        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "search", "--concurrency", "2",
                                  "--warmup", "0s", "--duration", "2.5s");

        var l = r.Report!.Step("search")!.LatencyMs;
        // the median and p75 sit in the 20 ms mode, p95 and max in the 200 ms mode (upper bounds allow a busy machine)
        Assert.InRange(l.P50, 20.0, 100);
        Assert.InRange(l.P75, 20.0, 150);
        Assert.InRange(l.P95, 200.0, 400);
        Assert.InRange(l.Max, 200.0, 600);
    }

    [Fact]
    public async Task Open_model_holds_its_arrival_rate_within_5_percent()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(2);

        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "search", "--rate", "300",
                                  "--warmup", "0.5s", "--duration", "3s");

        Assert.Equal(0, r.Exit);
        var s = r.Report!.Step("search")!;
        Assert.Equal(300, s.TargetRate);
        Assert.InRange(s.AchievedRate, 285, 315);
        Assert.InRange(s.Throughput, 285, 315);
        Assert.Equal(s.Sent, s.Completed);
        Assert.Equal(0, s.Failed);
        // the upstream saw the warm-up as well as the measured requests
        Assert.InRange(up.RequestCount, (long)(3.5 * 300 * 0.95), (long)(3.5 * 300 * 1.05));
    }

    [Fact]
    public async Task Open_model_charges_a_server_stall_to_every_request_queued_behind_it()
    {
        // One connection, 50 req/s, and one request in 100 stalls for a second: in the open model the requests that
        // were due during the stall wait for it, and the percentiles must say so (no coordinated omission).
        await using var up = await FakeMem0Upstream.StartAsync();
        up.SlowEvery = 60;
        up.SlowDelay = TimeSpan.FromSeconds(1);

        var open = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "list", "--rate", "50",
                                     "--connections", "1", "--warmup", "0s", "--duration", "3s");
        var l = open.Report!.Step("list")!.LatencyMs;
        // ~50 of ~150 requests were due while the upstream stalled; they waited between 0 and 1000 ms
        Assert.True(l.P75 > 100, $"open-model p75 {l.P75} ms hides the stall");
        Assert.InRange(l.Max, 1000, 1300);

        // The closed model with one worker simply stops sending during the stall: only one request is slow.
        var closed = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "list", "--concurrency", "1",
                                       "--connections", "1", "--warmup", "0s", "--duration", "3s");
        var c = closed.Report!.Step("list")!;
        Assert.True(c.LatencyMs.P75 < 100, $"closed-model p75 {c.LatencyMs.P75} ms");
    }

    [Fact]
    public async Task Weighted_mix_sends_each_operation_in_proportion_and_reports_it_per_step()
    {
        await using var up = await FakeMem0Upstream.StartAsync();

        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "mix", "--mix", "add=1,search=6,list=2,get=1",
                                  "--rate", "200", "--warmup", "0s", "--duration", "2s");

        Assert.Equal(0, r.Exit);
        var rep = r.Report!;
        long total = rep.Step("mix")!.Sent;
        Assert.InRange(total, 380, 420);
        Assert.Equal(total, rep.Step("add")!.Sent + rep.Step("search")!.Sent + rep.Step("list")!.Sent + rep.Step("get")!.Sent);
        Assert.InRange(rep.Step("search")!.Sent, total * 6 / 10 - 6, total * 6 / 10 + 6);
        Assert.InRange(rep.Step("list")!.Sent, total * 2 / 10 - 2, total * 2 / 10 + 2);
        Assert.InRange(rep.Step("get")!.Sent, total / 10 - 1, total / 10 + 1);
        Assert.Equal(0, rep.Step("get")!.Failed);
    }

    [Fact]
    public async Task Load_test_only_ever_uses_generated_lt_user_ids()
    {
        await using var up = await FakeMem0Upstream.StartAsync();

        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--mcp-target", Harness.Url(up.Port), "--scenario", "mix",
                                  "--rate", "100", "--warmup", "0s", "--duration", "1s", "--users", "7", "--run-id", "t42", "--cleanup");
        Assert.Equal(0, r.Exit);
        var r2 = await Harness.Cli("--mcp-target", Harness.Url(up.Port), "--scenario", "mcp",
                                   "--rate", "20", "--warmup", "0s", "--duration", "1s", "--users", "7", "--run-id", "t42");
        Assert.Equal(0, r2.Exit);

        Assert.NotEmpty(up.SeenUsers.Keys);
        Assert.All(up.SeenUsers.Keys, u => Assert.Matches("^lt-t42-000[0-6]$", u));
        Assert.Equal(7, up.SeenUsers.Count);
        Assert.Contains("cleanup: deleted memories of 7 lt- users", r.Out);
    }

    [Fact]
    public async Task Mcp_tool_call_over_sse_reports_connect_initialize_and_tool_call_steps()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.Delay = TimeSpan.FromMilliseconds(30);

        var r = await Harness.Cli("--mcp-target", Harness.Url(up.Port), "--scenario", "mcp", "--rate", "20",
                                  "--warmup", "0s", "--duration", "2s", "--mcp-tool", "add_memories");

        Assert.Equal(0, r.Exit);
        var rep = r.Report!;
        var total = rep.Step("mcp")!;
        Assert.InRange(total.Ok, 38, 42);
        Assert.Equal(0, total.Failed);
        // results arrive on the stream after the fake's 30 ms delay, so each call step takes at least that
        Assert.InRange(rep.Step("mcp_initialize")!.LatencyMs.P50, 30, 200);
        Assert.InRange(rep.Step("mcp_tool_call")!.LatencyMs.P50, 30, 200);
        Assert.True(rep.Step("mcp_connect")!.LatencyMs.Min < 30); // connecting involves no delay
        Assert.True(total.LatencyMs.Min >= 60); // a session waits for two delayed results
        // every session stream was closed again
        await Poll.UntilAsync(() => up.McpSessions.Count == 0, TimeSpan.FromSeconds(2), "every MCP session stream closed");
    }

    [Fact]
    public async Task Errors_are_reported_by_status_and_cause()
    {
        await using var up = await FakeMem0Upstream.StartAsync();
        up.FailEvery = 4;
        var r = await Harness.Cli("--target", Harness.Url(up.Port), "--scenario", "search", "--rate", "100",
                                  "--warmup", "0s", "--duration", "2s");
        var s = r.Report!.Step("search")!;
        Assert.InRange(s.ErrorRatio, 0.23, 0.27);
        Assert.Equal(s.Failed, s.ErrorsByStatus["500"]);
        Assert.Equal(s.Failed, s.ErrorsByCause["http_5xx"]);
        Assert.Contains("| search | status | 500 |", r.Out);

        int closedPort = FreePorts.Allocate();
        var down = await Harness.Cli("--target", Harness.Url(closedPort), "--scenario", "list", "--rate", "20",
                                     "--warmup", "0s", "--duration", "1s");
        var d = down.Report!.Step("list")!;
        Assert.Equal(1.0, d.ErrorRatio);
        Assert.Equal(d.Failed, d.ErrorsByCause["connection_refused"]);
    }
}
