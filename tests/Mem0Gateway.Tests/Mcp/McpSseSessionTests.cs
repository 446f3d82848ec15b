using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>
/// A real MCP SSE session through the gateway against an upstream that plays OpenMemory's transport (endpoint event,
/// 200 {"status":"ok"} to every POST, results later on the stream): sessions, messages and tool calls are counted
/// exactly, and tool-call durations are the upstream's delays.
/// </summary>
public sealed class McpSseSessionTests
{
    private static readonly TimeSpan ResultWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_session_with_initialize_tools_list_and_tool_calls_is_counted_exactly_with_durations_and_outcomes()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync();
        // Delays well inside their buckets, so a loaded machine's overhead cannot push a call into the next one.
        stack.OpenMemory.McpResultDelays["add_memories"] = TimeSpan.FromMilliseconds(1200);
        stack.OpenMemory.McpResultDelays["search_memory"] = TimeSpan.FromMilliseconds(3000);
        using var client = stack.Gateway.Client("openmemory");
        client.Timeout = Timeout.InfiniteTimeSpan;

        var session = await McpSseClient.OpenAsync(client, "/mcp/claude/sse/alice-4711");
        var open = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active", ("client", "claude")) == 1);
        Assert.Equal(1, open.Sum("mem0_gateway_mcp_sessions_active", ("client", "claude")));
        Assert.Equal(1, open.Sum("mem0_gateway_mcp_sessions_total", ("client", "claude")));

        await session.RequestAsync(1, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2024-11-05", ["capabilities"] = new JsonObject(), ["clientInfo"] = new JsonObject { ["name"] = "t", ["version"] = "0" },
        });
        await session.NotifyAsync("notifications/initialized");
        await session.RequestAsync(2, "tools/list");
        await session.CallToolAsync(3, "add_memories", new JsonObject { ["text"] = "I drink oat-milk flat whites." });
        await session.CallToolAsync(4, "add_memories", new JsonObject { ["text"] = "I moved to Berlin last month." });
        await session.CallToolAsync(5, "search_memory", new JsonObject { ["query"] = "coffee order" });
        // The alias route OpenMemory also serves, with the same session id.
        await session.CallToolAsync(6, "list_memories", path: "/mcp/claude/sse/alice-4711/messages/?session_id=" + session.SessionId);
        await session.CallToolAsync(7, "fail_tool");
        await session.CallToolAsync(8, "no_such_tool");
        await session.RequestAsync(9, "ping");
        await session.RequestAsync(10, "completely/custom");

        var results = await session.WaitForResultsAsync(ResultWait, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        Assert.StartsWith("Error:", results[7]["result"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.NotNull(results[8]["error"]);

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total") == 6);
        double Messages(string method) => metrics.Sum("mem0_gateway_mcp_messages_total", ("client", "claude"), ("method", method));
        Assert.Equal([1, 1, 1, 6, 1, 1], new[] { "initialize", "notifications/initialized", "tools/list", "tools/call", "ping", "other" }.Select(Messages));
        Assert.Equal(11, metrics.Sum("mem0_gateway_mcp_messages_total"));

        double Calls(string tool) => metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("client", "claude"), ("tool", tool));
        Assert.Equal([2, 1, 1, 1, 1], new[] { "add_memories", "search_memory", "list_memories", "fail_tool", "other" }.Select(Calls));
        Assert.Equal(6, metrics.Sum("mem0_gateway_mcp_tool_calls_total"));

        double Outcomes(string tool, string outcome)
            => metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("client", "claude"), ("tool", tool), ("outcome", outcome));
        Assert.Equal(2, Outcomes("add_memories", "result"));
        Assert.Equal(1, Outcomes("search_memory", "result"));
        Assert.Equal(1, Outcomes("list_memories", "result"));
        Assert.Equal(1, Outcomes("fail_tool", "tool_error"));
        Assert.Equal(1, Outcomes("other", "error"));

        // Durations land in the bucket of the injected delay: 1.2 s in (1, 2], 3 s in (2, 5], no delay at most 1 s.
        double Bucket(string tool, string le) => metrics.Sum("mem0_gateway_mcp_tool_call_duration_seconds_bucket",
            ("client", "claude"), ("tool", tool), ("outcome", "result"), ("le", le));
        Assert.Equal([0, 2], [Bucket("add_memories", "1"), Bucket("add_memories", "2")]);
        Assert.Equal([0, 1], [Bucket("search_memory", "2"), Bucket("search_memory", "5")]);
        Assert.Equal(1, Bucket("list_memories", "1"));

        await session.DisposeAsync();
        var closed = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active", ("client", "claude")) == 0);
        Assert.Equal(0, closed.Sum("mem0_gateway_mcp_sessions_active", ("client", "claude")));
        Assert.Equal(1, closed.Sum("mem0_gateway_mcp_sessions_total", ("client", "claude")));
        Assert.Equal(1, closed.Sum("mem0_gateway_mcp_session_duration_seconds_count", ("client", "claude")));
        Assert.Equal(6, closed.Sum("mem0_gateway_mcp_tool_call_outcomes_total"));
    }

    [Fact]
    public async Task Several_sessions_from_several_apps_are_gauged_per_app_and_unlisted_apps_are_other()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync();
        using var client = stack.Gateway.Client("openmemory");
        client.Timeout = Timeout.InfiniteTimeSpan;

        var claude1 = await McpSseClient.OpenAsync(client, "/mcp/claude/sse/u1");
        var claude2 = await McpSseClient.OpenAsync(client, "/mcp/Claude/sse/u2");
        var cursor = await McpSseClient.OpenAsync(client, "/mcp/cursor/sse/u1");
        var homegrown = await McpSseClient.OpenAsync(client, "/mcp/my-homegrown-agent-7f3a/sse/u3");
        var all = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 4);
        Assert.Equal([2, 1, 1], new[] { "claude", "cursor", "other" }.Select(c => all.Sum("mem0_gateway_mcp_sessions_active", ("client", c))));
        Assert.DoesNotContain("homegrown", all.Text);

        await claude1.DisposeAsync();
        await homegrown.DisposeAsync();
        var two = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 2);
        Assert.Equal([1, 1, 0], new[] { "claude", "cursor", "other" }.Select(c => two.Sum("mem0_gateway_mcp_sessions_active", ("client", c))));

        // A session the upstream ends is over too.
        foreach (var upstreamSession in stack.OpenMemory.McpSessions.Values)
        {
            upstreamSession.Close();
        }

        var none = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 0);
        Assert.Equal(0, none.Sum("mem0_gateway_mcp_sessions_active"));
        Assert.Equal([2, 1, 1], new[] { "claude", "cursor", "other" }.Select(c => none.Sum("mem0_gateway_mcp_sessions_total", ("client", c))));
        Assert.Equal(4, none.Sum("mem0_gateway_mcp_session_duration_seconds_count"));
        await claude2.DisposeAsync();
        await cursor.DisposeAsync();
    }

    [Fact]
    public async Task Calls_that_time_out_are_left_unanswered_or_belong_to_an_unseen_session_are_counted_as_such()
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync(o => o.Settings["Gateway:Mcp:ToolCallTimeout"] = "00:00:03");
        stack.OpenMemory.McpResultDelays["list_memories"] = TimeSpan.FromSeconds(6);
        stack.OpenMemory.McpResultDelays["search_memory"] = TimeSpan.FromSeconds(60);
        using var client = stack.Gateway.Client("openmemory");
        client.Timeout = Timeout.InfiniteTimeSpan;

        var session = await McpSseClient.OpenAsync(client, "/mcp/cursor/sse/dora");
        await session.CallToolAsync(1, "list_memories");
        var timedOut = await stack.Gateway.ScrapeUntilAsync(
            m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "list_memories"), ("client", "cursor"), ("outcome", "timeout")) == 1);
        Assert.Equal(1, timedOut.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "list_memories"), ("client", "cursor"), ("outcome", "timeout")));
        Assert.Equal(1, timedOut.Sum("mem0_gateway_mcp_tool_call_duration_seconds_count", ("tool", "list_memories"), ("outcome", "timeout")));

        // The late result still reaches the client, and is not counted a second time. A quick call behind it on the
        // same stream marks the gateway as past the late result once the quick one is counted.
        await session.WaitForResultsAsync(ResultWait, 1);
        await session.CallToolAsync(4, "add_memories");
        var afterLate = await stack.Gateway.ScrapeUntilAsync(
            m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "add_memories"), ("client", "cursor"), ("outcome", "result")) == 1);
        Assert.Equal(1, afterLate.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "list_memories")));

        // A message for a session this gateway never saw open (say, opened before a restart): counted, client unknown.
        await session.CallToolAsync(2, "add_memories", path: "/mcp/messages/?session_id=00000000000000000000000000000000");

        await session.CallToolAsync(3, "search_memory");
        await session.DisposeAsync();
        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 0);
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("tool", "add_memories"), ("client", "unknown")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "add_memories"), ("client", "unknown"), ("outcome", "uncorrelated")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "search_memory"), ("client", "cursor"), ("outcome", "abandoned")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_mcp_tool_call_duration_seconds_count", ("tool", "search_memory")));
        Assert.Equal(metrics.Sum("mem0_gateway_mcp_tool_calls_total"), metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total"));
    }
}
