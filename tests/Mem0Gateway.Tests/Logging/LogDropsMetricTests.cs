using Mem0Gateway.Logging;
using Mem0Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Tests.Logging;

/// <summary>Log lines the gateway had to drop show up on /metrics, so an alert can say the logs have gaps.</summary>
public sealed class LogDropsMetricTests
{
    [Fact]
    public async Task Lines_dropped_while_stdout_stalls_are_counted_in_mem0_gateway_log_events_dropped_total()
    {
        using var stall = new ManualResetEventSlim(false);
        var output = new StallingWriter(stall);
        var options = new GatewayInstanceOptions();
        options.Settings["Logging:LogLevel:Default"] = "Warning";
        options.ConfigureBuilder = b => b.Services.AddSingleton(new GatewayLogOutput(output));
        await using var gateway = await GatewayInstance.StartAsync(options);
        try
        {
            var before = await gateway.ScrapeAsync();
            Assert.Contains(before.Samples, s => s.Name == "mem0_gateway_log_events_dropped_total");
            Assert.Equal(0, before.Sum("mem0_gateway_log_events_dropped_total"));

            var logger = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mem0Gateway.Tests.Flood");
            logger.LogWarning("first line: the writer blocks on it");
            Assert.True(output.Blocked.Wait(TimeSpan.FromSeconds(10)), "the log writer never started writing");
            // the queue holds 100 000 lines; everything past that is dropped
            for (var i = 0; i < 100_500; i++)
            {
                logger.LogWarning("flood {N}", i);
            }

            var after = await gateway.ScrapeAsync();
            var dropped = after.Sum("mem0_gateway_log_events_dropped_total");
            Assert.InRange(dropped, 400, 600);
        }
        finally
        {
            // released before the gateway stops: stopping writes out what is queued
            stall.Set();
        }
    }
}
