using System.Diagnostics;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Mem0Gateway.Tests.Mcp.Sdk;

/// <summary>
/// The official C# SDK's client talks to the official SDK's server through the gateway, over every transport the SDK
/// speaks. What the gateway counts (tool calls, outcomes, sessions) matches what the client did exactly; tool-call
/// durations sit within one bucket of what the client measured; and each JSON-RPC request has its span in the
/// OpenTelemetry MCP conventions.
/// </summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class McpSdkTransportTests
{
    public static TheoryData<string, bool, bool> Transports => new()
    {
        { "sse_2024", false, false },
        { "streamable_http", false, false },
        { "streamable_http", false, true },
        { "streamable_http", true, false },
        { "streamable_http", true, true },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task An_sdk_client_is_observed_exactly(string transport, bool stateless, bool jsonResponses)
    {
        await using var upstream = await SdkMcpUpstream.StartAsync(stateless, jsonResponses);
        await using var stack = await StartGatewayAsync(upstream);
        var gateway = stack.Gateway;
        var endpoint = new Uri(gateway.ServiceAddress("openmemory"), transport == "sse_2024" ? "sdk/sse" : "sdk");
        var stateful = !stateless;

        var clientTransport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = transport == "sse_2024" ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
            EnableStandaloneGetStream = false,
        });
        var client = await McpClient.CreateAsync(clientTransport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "cursor", Version = "1.7.0" },
        });

        var tools = await client.ListToolsAsync();
        Assert.Equal(6, tools.Count);
        var measured = new List<TimeSpan>();
        for (var i = 0; i < 2; i++)
        {
            var watch = Stopwatch.StartNew();
            var added = await client.CallToolAsync("add_memories", new Dictionary<string, object?> { ["text"] = "I prefer window seats." });
            measured.Add(watch.Elapsed);
            Assert.NotEqual(true, added.IsError);
        }

        await client.CallToolAsync("search_memory", new Dictionary<string, object?> { ["query"] = "seats" });
        await client.CallToolAsync("list_memories");
        await client.CallToolAsync("delete_memories", new Dictionary<string, object?> { ["memory_ids"] = new[] { "5f0c" } });
        await client.CallToolAsync("delete_all_memories");
        var failed = await client.CallToolAsync("fail_tool");
        Assert.True(failed.IsError);

        var open = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total") >= 7);
        Assert.Equal(stateful ? 1 : 0, open.Sum("mem0_gateway_mcp_sessions_active", ("client", "cursor"), ("transport", transport)));
        Assert.Equal(stateful ? 1 : 0, open.Sum("mem0_gateway_mcp_sessions_active"));

        await client.DisposeAsync();
        var metrics = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 0);

        double Calls(string tool) => metrics.Sum("mem0_gateway_mcp_tool_calls_total", ("client", "cursor"), ("tool", tool));
        string[] names = ["add_memories", "search_memory", "list_memories", "delete_memories", "delete_all_memories", "fail_tool"];
        Assert.Equal([2, 1, 1, 1, 1, 1], names.Select(Calls));
        Assert.Equal(7, metrics.Sum("mem0_gateway_mcp_tool_calls_total"));
        double Outcome(string tool, string outcome)
            => metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("client", "cursor"), ("tool", tool), ("outcome", outcome));
        Assert.Equal([2, 1, 1, 1, 1, 1], names.Select(n => Outcome(n, n == "fail_tool" ? "tool_error" : "result")));
        Assert.Equal(7, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total"));

        // Sessions: one, opened and ended, for the transports that have them; none for stateless Streamable HTTP.
        Assert.Equal(0, metrics.Sum("mem0_gateway_mcp_sessions_active"));
        Assert.Equal(stateful ? 1 : 0, metrics.Sum("mem0_gateway_mcp_sessions_total", ("client", "cursor"), ("transport", transport)));
        Assert.Equal(stateful ? 1 : 0, metrics.Sum("mem0_gateway_mcp_session_duration_seconds_count", ("client", "cursor"), ("transport", transport)));
        Assert.Equal(metrics.Sum("mem0_gateway_mcp_messages_total"), metrics.Sum("mem0_gateway_mcp_messages_total", ("transport", transport)));
        Assert.True(metrics.Sum("mem0_gateway_mcp_client_info_total", ("client", "cursor"), ("client_version", "1.7.0"), ("transport", transport)) >= 1);

        // Each add_memories landed within one bucket of what the client measured.
        var bounds = Mem0Gateway.Mcp.McpMetrics.ToolCallDurationBuckets;
        var gatewayBuckets = BucketIndexes(metrics, bounds);
        Assert.Equal(2, gatewayBuckets.Count);
        foreach (var (gatewayBucket, clientBucket) in gatewayBuckets.Order().Zip(measured.Select(d => BucketIndex(bounds, d.TotalSeconds)).Order()))
        {
            Assert.InRange(gatewayBucket, clientBucket - 1, clientBucket + 1);
        }

        // One span per JSON-RPC request, named and attributed as the MCP conventions say.
        var spans = await WaitForMcpSpansAsync(stack, s => s.Count(x => x.DisplayName.StartsWith("tools/call", StringComparison.Ordinal)) >= 7);
        var adds = spans.Where(s => s.DisplayName == "tools/call add_memories").ToList();
        Assert.Equal(2, adds.Count);
        foreach (var span in adds)
        {
            Assert.Equal("tools/call", span.GetTagItem("mcp.method.name"));
            Assert.Equal("add_memories", span.GetTagItem("gen_ai.tool.name"));
            Assert.Equal("execute_tool", span.GetTagItem("gen_ai.operation.name"));
            Assert.False(string.IsNullOrEmpty(span.GetTagItem("jsonrpc.request.id") as string));
            Assert.Null(span.GetTagItem("error.type"));
            // From the request to its answer: at least the tool's delay (less a timer tick), even when the answer came on another stream.
            Assert.InRange(span.Duration, OpenMemoryTools.AddDelay - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10));
            if (stateful)
            {
                Assert.Matches("^h:[0-9a-f]{16}$", (string)span.GetTagItem("mcp.session.id")!);
            }
        }

        var failedSpan = Assert.Single(spans, s => s.DisplayName == "tools/call fail_tool");
        Assert.Equal("tool_error", failedSpan.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, failedSpan.Status);
        Assert.Contains(spans, s => s.DisplayName == "tools/list" && (string?)s.GetTagItem("mcp.method.name") == "tools/list");
    }

    internal static Task<TracedStack> StartGatewayAsync(SdkMcpUpstream upstream, Action<Mem0Gateway.Testing.GatewayInstanceOptions>? configure = null)
        => StartGatewayAsync(upstream.BaseAddress, configure);

    /// <summary>A traced gateway whose <c>/sdk</c> routes are marked as MCP endpoints and lead to <paramref name="upstream"/>.</summary>
    internal static Task<TracedStack> StartGatewayAsync(Uri upstream, Action<Mem0Gateway.Testing.GatewayInstanceOptions>? configure = null)
        => TracedStack.StartAsync(options =>
    {
        options.Destinations["openmemory"] = [upstream];
        options.Settings["Gateway:Privacy:HashKey"] = "mcp-sdk-tests";
        options.EditConfig = config =>
        {
            config["Gateway"]!["Mcp"]!["Tools"]!.AsArray().Add("fail_tool");
            config["Gateway"]!["Mcp"]!["ClientVersions"] = new JsonArray("1.7.0");
            // Any MCP server behind the gateway is observed once its routes say what they are.
            var routes = config["ReverseProxy"]!["Routes"]!.AsObject();
            routes["sdk-mcp"] = Route("/sdk", ["POST", "GET", "DELETE"], "mcp_http", "streamable_http");
            routes["sdk-mcp-sse"] = Route("/sdk/sse", ["GET"], "mcp_stream", "sse_2024", streaming: true);
            routes["sdk-mcp-message"] = Route("/sdk/message", ["POST"], "mcp_message", "sse_2024_messages");
        };
        configure?.Invoke(options);
    });

    private static JsonObject Route(string path, string[] methods, string operation, string mcp, bool streaming = false)
    {
        var metadata = new JsonObject { ["Operation"] = operation, ["Mcp"] = mcp };
        if (streaming)
        {
            metadata["Streaming"] = "true";
        }

        return new JsonObject
        {
            ["ClusterId"] = "openmemory",
            ["Match"] = new JsonObject { ["Path"] = path, ["Methods"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray()) },
            ["Metadata"] = metadata,
        };
    }

    /// <summary>The bucket each add_memories result observation fell in, from the cumulative bucket counts.</summary>
    private static List<int> BucketIndexes(MetricsSnapshot metrics, double[] bounds)
    {
        var indexes = new List<int>();
        var below = 0.0;
        for (var i = 0; i <= bounds.Length; i++)
        {
            var le = i < bounds.Length ? bounds[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : "+Inf";
            var cumulative = metrics.Sum("mem0_gateway_mcp_tool_call_duration_seconds_bucket", ("tool", "add_memories"), ("outcome", "result"), ("le", le));
            for (var n = below; n < cumulative; n++)
            {
                indexes.Add(i);
            }

            below = cumulative;
        }

        return indexes;
    }

    private static int BucketIndex(double[] bounds, double seconds)
    {
        var i = Array.FindIndex(bounds, b => seconds <= b);
        return i < 0 ? bounds.Length : i;
    }

    internal static async Task<List<Activity>> WaitForMcpSpansAsync(TracedStack stack, Func<List<Activity>, bool> done)
    {
        for (var waited = 0; ; waited++)
        {
            var spans = stack.Spans.ToArray().Where(s => s.Source.Name == "Mem0Gateway.Mcp").ToList();
            if (done(spans) || waited > 200)
            {
                return spans;
            }

            await Task.Delay(50);
        }
    }
}
