using System.Diagnostics;
using System.Net;
using System.Text;
using Mem0Gateway.Tests.Mcp.Sdk;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>
/// What the SDKs do not send on their own, written by hand to an SDK server through the gateway: 2026-07-28 requests
/// whose routing headers are read without the body (and checked against it where it is read), and a 2025-03-26 batch.
/// </summary>
[Collection(Tracing.ProcessWideTracingCollection.Name)]
public sealed class McpRawProtocolTests
{
    private const string Version2026 = "2026-07-28";
    private const string ClientMeta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"claude\",\"version\":\"1.7.0\"},\"io.modelcontextprotocol/clientCapabilities\":{}}";

    [Fact]
    public async Task Routing_headers_are_read_without_a_body_and_a_mismatch_is_counted_with_the_body_winning()
    {
        await using var upstream = await SdkMcpUpstream.StartAsync(stateless: true, jsonResponses: false);
        await using var stack = await McpSdkTransportTests.StartGatewayAsync(upstream);
        using var client = stack.Client("openmemory");

        // A body the gateway does not peek (larger than its peek limit): the headers alone say what it is.
        var padding = new string(' ', 70_000);
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search_memory\",\"arguments\":{\"query\":\"seats\"}," + ClientMeta + "}}" + padding;
        var (status, text) = await PostAsync(client, big, "tools/call", "search_memory");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Contains("\"result\"", text);

        // A small body whose headers lie about the tool: the SDK server refuses it; the gateway counts the body's tool.
        var lying = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_memories\",\"arguments\":{}," + ClientMeta + "}}";
        await PostAsync(client, lying, "tools/call", "add_memories");

        // A name sent base64-encoded, as clients do for names that are not plain ASCII, matching its body.
        var encoded = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"delete_all_memories\",\"arguments\":{}," + ClientMeta + "}}";
        (status, _) = await PostAsync(client, encoded, "tools/call", "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("delete_all_memories")) + "?=");
        Assert.Equal(HttpStatusCode.OK, status);

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total") >= 3);
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("tool", "search_memory")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "search_memory"), ("outcome", "result")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("tool", "list_memories"), ("client", "claude")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("tool", "add_memories")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_header_mismatches_total", ("header", "name")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_mcp_header_mismatches_total", ("header", "method")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "delete_all_memories"), ("outcome", "result")));
        Assert.Equal(3, metrics.Sum("mem0_gateway_mcp_messages_total", ("method", "tools/call"), ("protocol_version", Version2026)));
        Assert.Equal(2, metrics.Sum("mem0_gateway_mcp_client_info_total", ("client", "claude"), ("client_version", "1.7.0")));

        var spans = await McpSdkTransportTests.WaitForMcpSpansAsync(stack, s => s.Count >= 3);
        var search = Assert.Single(spans, s => s.DisplayName == "tools/call search_memory");
        Assert.Equal(Version2026, search.GetTagItem("mcp.protocol.version"));
        Assert.Null(search.GetTagItem("error.type"));
    }

    [Fact]
    public async Task A_batch_is_split_into_its_messages_and_each_answer_is_matched()
    {
        await using var upstream = await SdkMcpUpstream.StartAsync(stateless: true, jsonResponses: false);
        await using var stack = await McpSdkTransportTests.StartGatewayAsync(upstream);
        using var client = stack.Client("openmemory");

        // The SDK server speaks 2025-06-18 and later, which dropped batches: it refuses this one. The gateway still
        // counts its three messages, and ends both requests (no answer matched them) exactly once.
        const string batch = """
            [{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"add_memories","arguments":{"text":"x"}}},
             {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":1}},
             {"jsonrpc":"2.0","id":"b","method":"tools/list"}]
            """;
        using var content = new StringContent(batch, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sdk") { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-03-26");
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total") >= 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_messages_total", ("method", "tools/call"), ("protocol_version", "2025-03-26")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_messages_total", ("method", "notifications/progress")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_messages_total", ("method", "tools/list")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("tool", "add_memories")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "add_memories")));

        var spans = await McpSdkTransportTests.WaitForMcpSpansAsync(stack, s => s.Count >= 2);
        Assert.Equal(["tools/call add_memories", "tools/list"], spans.Select(s => s.DisplayName).Order());
        Assert.Equal(["a", "b"], spans.Select(s => (string)s.GetTagItem("jsonrpc.request.id")!).Order());
    }

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient client, string body, string method, string name)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sdk") { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", Version2026);
        request.Headers.Add("Mcp-Method", method);
        request.Headers.Add("Mcp-Name", name);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
