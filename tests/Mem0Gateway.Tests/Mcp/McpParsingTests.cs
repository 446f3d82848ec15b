using System.Text;
using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Proxy;
using Mem0Gateway.Mcp;

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
}
