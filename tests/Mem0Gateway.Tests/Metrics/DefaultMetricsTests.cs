using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Metrics;

/// <summary>What /metrics carries besides the gateway's own metrics: process and runtime health, not framework floods.</summary>
public sealed class DefaultMetricsTests
{
    [Fact]
    public async Task Process_and_runtime_metrics_are_served_and_framework_meters_are_not()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/memories?user_id=u");
        }

        var metrics = await stack.Gateway.ScrapeAsync();
        var names = metrics.Samples.Select(s => s.Name).ToHashSet();

        Assert.Contains("process_cpu_seconds_total", names);
        Assert.Contains("process_working_set_bytes", names);
        Assert.Contains("process_open_handles", names);
        Assert.Contains("dotnet_collection_count_total", names);
        Assert.Contains("system_runtime_dotnet_thread_pool_queue_length", names);
        Assert.Contains("system_runtime_dotnet_gc_pause_time", names);

        // The process figures are real readings, not placeholders.
        Assert.InRange(metrics.Sum("process_working_set_bytes"), 10e6, 4e9);
        Assert.InRange(metrics.Sum("process_num_threads"), 2, 1000);
        Assert.InRange(metrics.Sum("process_open_handles"), 5, 100_000);
        Assert.True(metrics.Sum("process_cpu_seconds_total") > 0);
        Assert.InRange(metrics.Sum("process_start_time_seconds"), DateTimeOffset.UtcNow.AddHours(-6).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // Per-request framework instruments (ASP.NET Core, Kestrel, HttpClient) and QUIC internals stay off.
        Assert.DoesNotContain(names, n => n.StartsWith("microsoft_aspnetcore", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("system_net_http", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("quic", StringComparison.Ordinal));
    }
}
