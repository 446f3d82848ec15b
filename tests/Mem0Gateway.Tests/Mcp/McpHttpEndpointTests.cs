using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>The stateless <c>/mcp/{client}/http/{user}</c> endpoint answers in one response: tool calls are measured directly.</summary>
public sealed class McpHttpEndpointTests
{
    [Fact]
    public async Task Tool_calls_over_the_http_endpoint_are_counted_and_timed_with_their_outcome()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync();
        stack.OpenMemory.McpResultDelays["add_memories"] = TimeSpan.FromMilliseconds(1200);
        using var client = stack.Gateway.Client("openmemory");

        async Task<JsonNode?> PostAsync(string body)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/mcp/cursor/http/erin", content);
            var text = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(text) : null;
        }

        Assert.NotNull((await PostAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"""))?["result"]);
        await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        var added = await PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_memories","arguments":{"text":"I prefer dark mode in every editor."}}}""");
        Assert.Contains("ADD", added!["result"]!["content"]![0]!["text"]!.GetValue<string>());
        await PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search_memory","arguments":{"query":"editor"}}}""");
        await PostAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"fail_tool","arguments":{}}}""");
        await PostAsync("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}""");

        var metrics = await stack.Gateway.ScrapeAsync();
        double Messages(string method) => metrics.Sum("mem0_gateway_mcp_messages_total", ("client", "cursor"), ("method", method));
        Assert.Equal([1, 1, 4], new[] { "initialize", "notifications/initialized", "tools/call" }.Select(Messages));
        double Outcome(string tool, string outcome)
            => metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("client", "cursor"), ("tool", tool), ("outcome", outcome));
        Assert.Equal([1, 1, 1, 1], [Outcome("add_memories", "result"), Outcome("search_memory", "result"), Outcome("fail_tool", "tool_error"), Outcome("other", "error")]);
        Assert.Equal(4, metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("client", "cursor")));

        double Bucket(string le) => metrics.Sum("mem0_gateway_mcp_tool_call_duration_seconds_bucket", ("tool", "add_memories"), ("outcome", "result"), ("le", le));
        Assert.Equal([0, 1], [Bucket("1"), Bucket("2")]);

        // The user named in the path counts as active on the service.
        Assert.Equal(1, metrics.Sum("mem0_gateway_active_users", ("service", "openmemory"), ("window", "5m")));
    }

    [Fact]
    public async Task A_tool_call_to_an_unreachable_upstream_is_an_error()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync(o => o.ActiveHealthChecks = false);
        await stack.OpenMemory.StopAsync();
        using var client = stack.Gateway.Client("openmemory");
        using var content = new StringContent("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_memories","arguments":{}}}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/mcp/claude/http/frank", content);
        Assert.True(response.StatusCode >= HttpStatusCode.InternalServerError);

        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "list_memories"), ("client", "claude"), ("outcome", "error")));
    }
}
