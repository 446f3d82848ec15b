using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Mem0Gateway.Tests.Mcp.Sdk;

/// <summary>
/// A Streamable HTTP session ends when the client DELETEs it (the SDK transport test), when the server answers 404 for
/// it, or when it has been idle too long. The gateway's clock is a fake here, so idle time and durations are exact.
/// </summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class McpSessionLifecycleTests
{
    [Fact]
    public async Task An_idle_session_ends_after_the_idle_timeout_with_its_duration_up_to_its_last_use()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T12:00:00Z"));
        await using var upstream = await SdkMcpUpstream.StartAsync(stateless: false, jsonResponses: false);
        await using var stack = await StartGatewayAsync(upstream, clock);
        var gateway = stack.Gateway;

        var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(gateway.ServiceAddress("openmemory"), "sdk"),
            TransportMode = HttpTransportMode.StreamableHttp,
            EnableStandaloneGetStream = false,
            // Leave the session to idle out instead of ending it with DELETE.
            OwnsSession = false,
        }), new McpClientOptions { ClientInfo = new Implementation { Name = "windsurf", Version = "2.0.0" } });

        var open = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 1);
        Assert.Equal(1, open.Sum("mem0_gateway_mcp_sessions_active", ("client", "windsurf"), ("transport", "streamable_http")));

        clock.Advance(TimeSpan.FromSeconds(40));
        await client.CallToolAsync("list_memories");
        // The client has its result once the event arrives; the gateway sees the exchange end a moment later. A
        // session with an exchange still open never idles out, so let it finish before the clock moves on.
        await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_in_flight", ("service", "openmemory")) == 0);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, (await gateway.ScrapeAsync()).Sum("mem0_gateway_mcp_sessions_active"));

        clock.Advance(TimeSpan.FromMinutes(2));
        var idle = await gateway.ScrapeAsync();
        Assert.Equal(0, idle.Sum("mem0_gateway_mcp_sessions_active"));
        Assert.Equal(1, idle.Sum("mem0_gateway_mcp_session_duration_seconds_count", ("client", "windsurf"), ("transport", "streamable_http")));
        // Opened, used 40 s later, then silent: the session lasted 40 s, not 6 minutes.
        Assert.Equal(40, idle.Sum("mem0_gateway_mcp_session_duration_seconds_sum", ("client", "windsurf")));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_session_the_server_no_longer_knows_ends_at_its_404()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T12:00:00Z"));
        await using var upstream = await SdkMcpUpstream.StartAsync(stateless: false, jsonResponses: false);
        await using var stack = await StartGatewayAsync(upstream, clock);
        using var client = stack.Client("openmemory");

        using var initialize = Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"zed","version":"0.200.0"}}}""", null);
        using var initialized = await client.SendAsync(initialize);
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        var sessionId = Assert.Single(initialized.Headers.GetValues("Mcp-Session-Id"));
        await initialized.Content.ReadAsStringAsync();
        Assert.Equal(1, (await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 1)).Sum("mem0_gateway_mcp_sessions_active", ("client", "zed")));

        clock.Advance(TimeSpan.FromSeconds(7));
        using (var ping = await client.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", sessionId)))
        {
            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
            await ping.Content.ReadAsStringAsync();
        }

        // The server forgets the session behind the gateway's back (as when it expires it, or restarts). It knows the
        // id it issued, without the destination hint the gateway adds for the client.
        using (var upstreamClient = new HttpClient { BaseAddress = upstream.BaseAddress })
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, "sdk"))
        {
            delete.Headers.Add("Mcp-Session-Id", sessionId[..sessionId.LastIndexOf('~')]);
            delete.Headers.Add("MCP-Protocol-Version", "2025-06-18");
            (await upstreamClient.SendAsync(delete)).Dispose();
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        using (var call = await client.SendAsync(Post("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_memories","arguments":{}}}""", sessionId)))
        {
            Assert.Equal(HttpStatusCode.NotFound, call.StatusCode);
        }

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 0);
        Assert.Equal(0, metrics.Sum("mem0_gateway_mcp_sessions_active"));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_sessions_total", ("client", "zed")));
        // It ended some time after its last use; the gateway counts it to that use.
        Assert.Equal(7, metrics.Sum("mem0_gateway_mcp_session_duration_seconds_sum", ("client", "zed")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "list_memories"), ("outcome", "error")));
    }

    private static HttpRequestMessage Post(string json, string? sessionId) => McpHttpRequests.Post(json, sessionId, "2025-06-18");

    private static Task<TracedStack> StartGatewayAsync(SdkMcpUpstream upstream, TimeProvider clock)
        => McpSdkTransportTests.StartGatewayAsync(upstream, options =>
        {
            options.Settings["Gateway:Mcp:SessionIdleTimeout"] = "00:05:00";
            var edit = options.EditConfig;
            options.EditConfig = config =>
            {
                edit?.Invoke(config);
                config["Gateway"]!["Mcp"]!["Clients"]!.AsArray().Add("zed");
            };
            var configure = options.ConfigureBuilder;
            options.ConfigureBuilder = builder =>
            {
                configure?.Invoke(builder);
                builder.Services.AddSingleton(clock);
            };
        });
}
