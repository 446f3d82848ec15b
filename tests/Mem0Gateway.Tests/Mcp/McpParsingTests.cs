using System.Text;
using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Mcp;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>The readers behind the metrics: what they take from bodies and streams, and what they leave alone.</summary>
public sealed class McpParsingTests
{
    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"user_id":"alice","metadata":{"user_id":"nested"}}""", "alice")]
    [InlineData("""{"query":"q","filters":{"agent_id":"a","user_id":"bob"},"limit":5}""", "bob")]
    [InlineData("""{"filters":{"user_id":"bob"},"user_id":"carol"}""", "carol")]
    [InlineData("""{"agent_id":"support-bot"}""", null)]
    [InlineData("""{"user_id":42}""", null)]
    [InlineData("""[{"user_id":"x"}]""", null)]
    [InlineData("""{"user_id":"trunc""", null)]
    public void User_id_is_read_from_the_top_level_or_from_filters(string json, string? expected)
        => Assert.Equal(expected, JsonUserId.Find(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("?user_id=alice&limit=5", "alice")]
    [InlineData("?agent_id=a&user_id=al%40example.com", "al@example.com")]
    [InlineData("?x_user_id=nope&user_id=yes", "yes")]
    [InlineData("?x_user_id=nope", null)]
    [InlineData("?user_id=", null)]
    [InlineData("", null)]
    public void User_id_is_read_from_the_query(string query, string? expected) => Assert.Equal(expected, QueryParameter.Find(query, "user_id"));

    [Fact]
    public void A_tools_call_gives_method_id_and_tool_but_never_the_arguments()
    {
        var message = JsonRpcRequestReader.Read(Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{"text":"I drink oat-milk flat whites.","name":"decoy"},"name":"add_memories"}}"""));
        var call = Assert.Single(message!);
        Assert.Equal(new JsonRpcRequest("tools/call", "n:7", "add_memories"), call);

        var batch = JsonRpcRequestReader.Read("""[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"a","method":"tools/list"}]"""u8);
        Assert.Equal([new JsonRpcRequest("notifications/initialized", null, null), new JsonRpcRequest("tools/list", "s:a", null)], batch!);
        Assert.Null(JsonRpcRequestReader.Read("not json"u8));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"{\"results\":[]}"}],"isError":false}}""", "n:3", ToolCallOutcome.Result)]
    [InlineData("""{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"Error: Memory system is currently unavailable."}],"isError":false}}""", "n:3", ToolCallOutcome.ToolError)]
    [InlineData("""{"jsonrpc":"2.0","id":"x","result":{"content":[{"type":"text","text":"boom"}],"isError":true}}""", "s:x", ToolCallOutcome.ToolError)]
    [InlineData("""{"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"Method not found"}}""", "n:4", ToolCallOutcome.Error, "-32601")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"tools":[]}}""", "n:5", ToolCallOutcome.Result)]
    public void A_response_is_classified(string json, string id, ToolCallOutcome outcome, string? errorCode = null)
        => Assert.Equal(new JsonRpcResponseSniffer.Response(id, outcome, errorCode), JsonRpcResponseSniffer.Sniff(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_response_cut_short_is_still_classified_from_its_head()
    {
        var longText = new string('m', 10_000);
        var ok = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"results\\\":[\\\"" + longText + "\\\"]}\"}]}}");
        var failed = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Error: " + longText + "\"}]}}");
        Assert.Equal(new JsonRpcResponseSniffer.Response("n:9", ToolCallOutcome.Result), JsonRpcResponseSniffer.Sniff(ok.AsSpan(0, 200)));
        Assert.Equal(new JsonRpcResponseSniffer.Response("n:10", ToolCallOutcome.ToolError), JsonRpcResponseSniffer.Sniff(failed.AsSpan(0, 200)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Sse_events_are_found_whatever_the_chunking_and_line_endings(int chunk)
    {
        var stream = Encoding.UTF8.GetBytes(
            "event: endpoint\r\ndata: /mcp/messages/?session_id=0123456789abcdef0123456789abcdef\r\n\r\n"
            + ": ping - 2026-11-25T10:00:00Z\r\n\r\n"
            + "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n"
            + "event: message\rdata: {\"jsonrpc\":\"2.0\",\rdata: \"id\":2}\r\r"
            + "data: " + new string('x', 5000) + "\r\n\r\n");
        var events = new List<(SseEventKind, string)>();
        var scanner = new SseEventScanner(64, (kind, data) => events.Add((kind, Encoding.UTF8.GetString(data))));
        for (var i = 0; i < stream.Length; i += chunk)
        {
            scanner.Scan(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)));
        }

        Assert.Equal(
        [
            (SseEventKind.Endpoint, "/mcp/messages/?session_id=0123456789abcdef0123456789abcdef"),
            (SseEventKind.Message, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"),
            (SseEventKind.Message, "{\"jsonrpc\":\"2.0\",\n\"id\":2}"),
            (SseEventKind.Message, new string('x', 64)),
        ], events);
    }

    [Fact]
    public void A_batch_answer_is_split_into_its_messages_however_it_is_chunked()
    {
        var json = Encoding.UTF8.GetBytes("""[{"jsonrpc":"2.0","id":"a","result":{"text":"a } ] \" ["}},{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"x"}}]""");
        for (var chunk = 1; chunk <= json.Length; chunk++)
        {
            var found = new List<JsonRpcResponseSniffer.Response>();
            var splitter = new JsonMessageSplitter(2048, head => found.Add(JsonRpcResponseSniffer.Sniff(head)!.Value));
            for (var i = 0; i < json.Length; i += chunk)
            {
                splitter.Scan(json.AsSpan(i, Math.Min(chunk, json.Length - i)));
            }

            Assert.Equal([new("s:a", ToolCallOutcome.Result), new("n:2", ToolCallOutcome.Error, "-32601")], found);
        }
    }

    [Fact]
    public void Client_info_comes_from_initialize_or_a_2026_request_meta()
    {
        var initialize = JsonRpcRequestReader.Read("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"cursor","version":"1.7.0"}}}"""u8)![0];
        Assert.Equal(("cursor", "1.7.0", "2025-06-18"), (initialize.ClientName, initialize.ClientVersion, initialize.ProtocolVersion));
        var call = JsonRpcRequestReader.Read("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_memories","arguments":{"clientInfo":{"name":"spoof"}},"_meta":{"io.modelcontextprotocol/clientInfo":{"name":"claude","version":"2.1"}}}}"""u8)![0];
        Assert.Equal(("add_memories", "claude", "2.1"), (call.ToolName, call.ClientName, call.ClientVersion));
    }

    [Theory]
    [InlineData("2026-07-28", true)]
    [InlineData("2027-01-15", true)]
    [InlineData("2025-11-25", false)]
    [InlineData("latest", false)]
    [InlineData(null, false)]
    public void Routing_headers_are_trusted_from_2026_07_28_on(string? version, bool trusted)
        => Assert.Equal(trusted, McpProtocolVersions.HasRoutingHeaders(version));

    [Fact]
    public void An_encoded_mcp_name_is_decoded()
    {
        Assert.Equal("add_memories", McpRoutingHeaders.Decode("add_memories"));
        Assert.Equal("Gedächtnis", McpRoutingHeaders.Decode("=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Gedächtnis")) + "?="));
        Assert.Null(McpRoutingHeaders.Decode("=?base64?not base64!?="));
    }
}
