using System.Diagnostics;
using Mem0Gateway.Health;
using Mem0Gateway.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mem0Gateway.Tests.Health;

/// <summary>The Neo4j check speaks the Bolt handshake to real TCP listeners: healthy only when a Bolt version comes back.</summary>
public sealed class Neo4jBoltHealthCheckTests
{
    /// <summary>Generous, so a busy machine never turns a slow answer into a timeout; the silent test uses a short one.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SilentTimeout = TimeSpan.FromMilliseconds(700);

    private static Task<HealthCheckResult> CheckAsync(int port, TimeSpan? timeout = null)
    {
        var check = Neo4jBoltHealthCheck.Create($"127.0.0.1:{port}", timeout ?? Timeout);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("neo4j", check, HealthStatus.Unhealthy, ["dependency"]),
        };
        return check.CheckHealthAsync(context);
    }

    [Fact]
    public async Task A_server_answering_a_bolt_version_is_healthy_and_was_sent_the_magic_and_four_proposals()
    {
        await using var server = new FakeBoltServer([0x00, 0x00, 0x08, 0x05]);
        var result = await CheckAsync(server.Port);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("5.8", result.Data["boltVersion"]);
        var handshake = Assert.Single(server.Handshakes);
        Assert.Equal(new byte[] { 0x60, 0x60, 0xB0, 0x17 }, handshake[..4]);
        Assert.Equal(new byte[] { 0x00, 0x08, 0x08, 0x05 }, handshake[4..8]); // 5.8 down to 5.0 first
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy()
    {
        var result = await CheckAsync(FreePorts.Allocate());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Cannot connect", result.Description);
    }

    [Fact]
    public async Task A_silent_port_is_unhealthy_after_the_timeout()
    {
        await using var server = new FakeBoltServer(answer: null);
        var watch = Stopwatch.StartNew();
        var result = await CheckAsync(server.Port, SilentTimeout);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("No Bolt answer", result.Description);
        Assert.InRange(watch.Elapsed, SilentTimeout * 0.9, SilentTimeout + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task An_http_port_is_unhealthy()
    {
        await using var server = new FakeBoltServer("HTTP"u8.ToArray());
        var result = await CheckAsync(server.Port);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("HTTP", result.Description);
    }

    [Fact]
    public async Task A_server_that_agrees_on_no_version_is_unhealthy()
    {
        await using var server = new FakeBoltServer([0x00, 0x00, 0x00, 0x00]);
        var result = await CheckAsync(server.Port);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("none of the proposed Bolt versions", result.Description);
    }

    [Fact]
    public async Task A_server_closing_mid_handshake_is_unhealthy()
    {
        await using var server = new FakeBoltServer([0x00, 0x00]);
        var result = await CheckAsync(server.Port);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("closed the connection", result.Description);
    }
}
