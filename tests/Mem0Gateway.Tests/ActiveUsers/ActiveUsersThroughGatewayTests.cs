using System.Net.Http.Headers;
using System.Text;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Mcp;

namespace Mem0Gateway.Tests.ActiveUsers;

/// <summary>Every way a request names a mem0 user counts that user once, per service, in every window.</summary>
public sealed class ActiveUsersThroughGatewayTests
{
    [Fact]
    public async Task Users_named_in_queries_bodies_and_mcp_paths_are_counted_once_per_service()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync();
        using var mem0 = stack.Gateway.Client("mem0");
        using var openMemory = stack.Gateway.Client("openmemory");
        openMemory.Timeout = Timeout.InfiniteTimeSpan;

        static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
        var addBody = """{"messages":[{"role":"user","content":"Hi, I'm Alex. I'm vegetarian and allergic to peanuts."}],"user_id":"lt-user-0002","metadata":{"source":"test"}}""";
        for (var repeat = 0; repeat < 5; repeat++)
        {
            (await mem0.GetAsync("/memories?user_id=lt-user-0001")).Dispose();
            (await mem0.PostAsync("/memories", Json(addBody))).Dispose();
            (await mem0.PostAsync("/search", Json("""{"query":"food","filters":{"user_id":"lt-user-0003","agent_id":"diet"}}"""))).Dispose();
            (await mem0.DeleteAsync("/memories?user_id=lt-user-0001")).Dispose();
            (await openMemory.PostAsync("/api/v1/memories/", Json("""{"user_id":"om-user-a","text":"I prefer dark mode in every editor.","app":"openmemory"}"""))).Dispose();
            (await openMemory.PostAsync("/api/v1/memories/filter", Json("""{"user_id":"om-user-b","page":1,"size":10,"search_query":"editor"}"""))).Dispose();
            (await openMemory.GetAsync("/api/v1/memories/?user_id=lt-user-0001")).Dispose();
        }

        // Not user ids: archive's internal UUID, a body on a route that is not read, a body without Content-Length.
        (await openMemory.PostAsync("/api/v1/memories/actions/archive?user_id=6f1c0c3e-0000-4000-8000-000000000001", Json("[]"))).Dispose();
        (await mem0.PostAsync("/configure", Json("""{"user_id":"not-a-user-route"}"""))).Dispose();
        using (var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"messages":[],"user_id":"chunked-user"}"""))))
        {
            chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/memories") { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            (await mem0.SendAsync(request)).Dispose();
        }

        var session = await McpSseClient.OpenAsync(openMemory, "/mcp/claude/sse/om-user-c");
        await session.NotifyAsync("notifications/initialized");

        var metrics = await stack.Gateway.ScrapeAsync();
        foreach (var window in new[] { "5m", "1h", "24h" })
        {
            Assert.Equal(3, metrics.Sum("mem0_gateway_active_users", ("service", "mem0"), ("window", window)));
            Assert.Equal(4, metrics.Sum("mem0_gateway_active_users", ("service", "openmemory"), ("window", window)));
            Assert.Equal(0, metrics.Sum("mem0_gateway_active_users", ("service", "openmemory-ui"), ("window", window)));
        }

        // The body that was read on the way is what the upstream got, byte for byte.
        var add = stack.Mem0.RequestsTo("POST", "/memories").First();
        Assert.Equal(addBody, add.BodyText);
        Assert.Equal(Encoding.UTF8.GetByteCount(addBody).ToString(), add.Header("Content-Length"));
        Assert.Contains(stack.Mem0.RequestsTo("POST", "/memories"), r => r.BodyText.Contains("chunked-user"));

        await session.DisposeAsync();
    }

    [Fact]
    public async Task Switched_off_user_and_mcp_metrics_export_no_series_and_mcp_traffic_still_flows()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync(o =>
        {
            o.Settings["Gateway:ActiveUsers:Enabled"] = "false";
            o.Settings["Gateway:Mcp:Enabled"] = "false";
        });
        using var mem0 = stack.Gateway.Client("mem0");
        using var openMemory = stack.Gateway.Client("openmemory");
        openMemory.Timeout = Timeout.InfiniteTimeSpan;

        (await mem0.PostAsync("/memories", new StringContent("""{"messages":[],"user_id":"u1"}""", Encoding.UTF8, "application/json"))).Dispose();
        var session = await McpSseClient.OpenAsync(openMemory, "/mcp/claude/sse/u2");
        await session.CallToolAsync(1, "list_memories");
        await session.WaitForResultsAsync(TimeSpan.FromSeconds(10), 1);
        await session.DisposeAsync();

        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.DoesNotContain(metrics.Samples, s => s.Name.StartsWith("mem0_gateway_mcp_", StringComparison.Ordinal)
            || s.Name.StartsWith("mem0_gateway_active_users", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "openmemory-mcp-messages")));
    }
}
