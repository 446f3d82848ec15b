using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mem0Gateway.Testing;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Tests.Health;

/// <summary>An upstream dies and comes back: probes notice, clients get a fast 503 meanwhile, traffic resumes by itself.</summary>
public sealed class ActiveHealthTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private static void FastProbes(GatewayInstanceOptions options, CapturedLogEvents? logs = null)
    {
        foreach (var cluster in new[] { "mem0", "openmemory", "openmemory-ui" })
        {
            options.Settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Interval"] = "00:00:01";
            options.Settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Timeout"] = "00:00:01";
        }

        if (logs is not null)
        {
            options.Settings["Logging:LogLevel:Mem0Gateway.Health"] = "Information";
            options.ConfigureBuilder = builder => builder.Logging.AddProvider(logs);
        }
    }

    private static async Task<double?> UpAsync(GatewayInstance gateway, string service)
    {
        var series = (await gateway.ScrapeAsync()).Series("mem0_gateway_upstream_up", ("service", service)).ToList();
        return series.Count == 1 ? series[0].Value : null;
    }

    [Fact]
    public async Task A_killed_upstream_is_marked_down_within_one_interval_and_clients_get_a_fast_503_until_it_is_back()
    {
        var logs = new CapturedLogEvents();
        await using var stack = await GatewayWithUpstreams.StartAsync(o => FastProbes(o, logs));
        var gateway = stack.Gateway;
        using var client = gateway.Client("mem0");
        await Poll.UntilAsync(async () => (await gateway.ScrapeAsync()).Sum("mem0_gateway_health_checks_total", ("service", "mem0"), ("result", "healthy")) >= 1,
            TimeSpan.FromSeconds(5), "a healthy probe of mem0");
        Assert.Equal(1, await UpAsync(gateway, "mem0"));

        await stack.Mem0.StopAsync();
        var detection = await Poll.UntilAsync(async () => await UpAsync(gateway, "mem0") == 0, TimeSpan.FromSeconds(10), "mem0 down");
        Assert.True(detection <= Interval + ProbeTimeout + TimeSpan.FromSeconds(0.5), $"took {detection}");

        var watch = Stopwatch.StartNew();
        using (var response = await client.GetAsync("/memories?user_id=u"))
        {
            watch.Stop();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"503 took {watch.Elapsed}");
        }

        // Several more failing probes: the log says "down" once, not once per probe.
        await Poll.UntilAsync(
            async () => (await gateway.ScrapeAsync()).Sum("mem0_gateway_health_checks_total", ("service", "mem0"), ("destination", "mem0-1"), ("result", "unhealthy")) >= 3,
            TimeSpan.FromSeconds(10), "three failed probes of mem0-1");
        await stack.Mem0.StartAsync();
        await Poll.UntilAsync(async () => await UpAsync(gateway, "mem0") == 1, Interval * 2 + ProbeTimeout + TimeSpan.FromSeconds(1), "mem0 up again");
        using (var response = await client.GetAsync("/memories?user_id=u"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var metrics = await gateway.ScrapeAsync();
        Assert.True(metrics.Sum("mem0_gateway_health_checks_total", ("service", "mem0"), ("destination", "mem0-1"), ("result", "unhealthy")) >= 3);
        Assert.True(metrics.Sum("mem0_gateway_health_check_duration_seconds_count", ("service", "mem0"), ("destination", "mem0-1")) >= 4);
        var down = logs.Messages("mem0 destination mem0-1 is down").ToList();
        Assert.Single(down);
        // A refused connection is conclusive: down after the first failed probe, not after the threshold of 2.
        Assert.Contains("failed 1 time(s) in a row, last: connection refused", down[0]);
        Assert.Single(logs.Messages("mem0 destination mem0-1 is up again"));
        // Nothing else warns per failed probe (YARP's own per-probe warning with a stack trace is turned down in yarp.json).
        Assert.Single(logs.Events, l => l.Level >= LogLevel.Warning && l.Message.Contains("mem0-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silent_upstream_is_marked_down_after_consecutive_probe_timeouts()
    {
        // Accepts connections and never answers: the probe times out, which needs the threshold (2) to count.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
        var options = new GatewayInstanceOptions();
        FastProbes(options);
        options.Destinations["mem0"] = [new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/")];
        await using var gateway = await GatewayInstance.StartAsync(options);

        var detection = await Poll.UntilAsync(async () => await UpAsync(gateway, "mem0") == 0, TimeSpan.FromSeconds(10), "silent mem0 down");
        Assert.True(detection >= ProbeTimeout, $"down after {detection}: before a probe could even time out");
        var metrics = await gateway.ScrapeAsync();
        Assert.True(metrics.Sum("mem0_gateway_health_checks_total", ("service", "mem0"), ("result", "unhealthy")) >= 2);
        Assert.Equal(0, metrics.Sum("mem0_gateway_health_checks_total", ("service", "mem0"), ("result", "healthy")));
        // Timed-out probes are measured up to the timeout.
        Assert.True(metrics.Sum("mem0_gateway_health_check_duration_seconds_sum", ("service", "mem0")) >= 2 * ProbeTimeout.TotalSeconds * 0.9);
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }
    }
}
