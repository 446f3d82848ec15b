using System.Diagnostics;
using System.Text.Json.Nodes;
using Mem0Gateway.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace Mem0Gateway.Tests.Logging;

/// <summary>When stdout stalls, requests keep going: the log queue is bounded, and the loss is said in the log.</summary>
public sealed class BackgroundLogWriterSinkTests
{
    [Fact]
    public void A_stalled_output_never_blocks_emitters_drops_beyond_the_limit_and_reports_the_drop_when_it_recovers()
    {
        using var stall = new ManualResetEventSlim(false);
        var output = new StallingWriter(stall);
        var sink = new BackgroundLogWriterSink(new EcsJsonFormatter("gw"), output, queueLimit: 100, TimeSpan.FromMilliseconds(10));
        try
        {
            sink.Emit(Event(0));
            Assert.True(output.Blocked.Wait(TimeSpan.FromSeconds(10)), "the writer never started writing");

            // The writer thread is stuck in a write: 100 more fit in the queue, the other 400 are dropped at once.
            var watch = Stopwatch.StartNew();
            for (var i = 1; i <= 500; i++)
            {
                sink.Emit(Event(i));
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"emitting took {watch.Elapsed}");
            Assert.Equal(400, sink.Dropped);
        }
        finally
        {
            stall.Set();
            sink.Dispose();
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 101), lines.Where(l => l["N"] is not null).Select(l => (int)l["N"]!));
        var warning = Assert.Single(lines, l => l["N"] is null);
        Assert.Equal("warning", (string?)warning["log.level"]);
        Assert.Equal("400 log events were dropped: the log output could not keep up", (string?)warning["message"]);
    }

    private static LogEvent Event(int n) => new(DateTimeOffset.UtcNow, LogEventLevel.Information, null,
        new MessageTemplateParser().Parse("event {N}"), [new LogEventProperty("N", new ScalarValue(n))]);
}
