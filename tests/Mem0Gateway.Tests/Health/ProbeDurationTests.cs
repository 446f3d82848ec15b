using Mem0Gateway.Configuration;
using Mem0Gateway.Testing;
using Mem0Gateway.Tracing;

namespace Mem0Gateway.Tests.Health;

/// <summary>Probe durations come from YARP's own probe activities, whatever else the composition registers and in which order.</summary>
public sealed class ProbeDurationTests
{
    [Fact]
    public async Task Probe_durations_are_recorded_when_tracing_is_composed_after_health()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(options =>
        {
            options.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Active:Interval"] = "00:00:00.500";
            // Tracing off registers its own forwarder client factory: composed last, it replaces any earlier one.
            options.ConfigureBuilder = builder => builder.Services.AddGatewayTracing(
                builder.Configuration, new GatewayOptions { Tracing = { Enabled = false } });
        });
        var gateway = stack.Gateway;

        await Poll.UntilAsync(
            async () => (await gateway.ScrapeAsync()).Sum("mem0_gateway_health_check_duration_seconds_count", ("service", "mem0"), ("destination", "mem0-1")) >= 2,
            TimeSpan.FromSeconds(10),
            "two timed probes of mem0");
        var metrics = await gateway.ScrapeAsync();
        Assert.True(metrics.Sum("mem0_gateway_health_check_duration_seconds_sum", ("service", "mem0"), ("destination", "mem0-1")) > 0);
    }
}
