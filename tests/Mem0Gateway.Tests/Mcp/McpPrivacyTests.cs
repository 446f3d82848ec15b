using System.Diagnostics;
using System.Text;
using Mem0Gateway.Testing;
using OpenTelemetry.Trace;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>
/// User ids, MCP session ids and memory text sent in paths, queries and bodies appear nowhere on /metrics, in the logs,
/// or in the span attributes the MCP instrumentation sets.
/// </summary>
[Collection(Tracing.ProcessWideTracingCollection.Name)]
public sealed class McpPrivacyTests
{
    private const string SseUser = "privacy-user-9f2e";
    private const string HttpUser = "privacy-http-user-41c7";
    private const string RestUser = "privacy-rest-user-77aa";
    private const string MemoryText = "My passport number is X1234567 and I live at 12 Elm Street";
    private const string SearchText = "where does the passport holder live";

    [Fact]
    public async Task Ids_and_memory_text_never_reach_metrics_logs_or_mcp_span_attributes()
    {
        var spans = new List<Activity>();
        var logs = new CapturedLogEvents();
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync(options =>
        {
            // What users run with: the repository's log levels, not the quieter test default.
            options.Settings["Logging:LogLevel:Default"] = "Information";
            options.Settings["OTEL_TRACES_SAMPLER"] = "parentbased_always_on";
            options.ConfigureBuilder = builder =>
            {
                builder.Logging.AddProvider(logs);
                // The gateway's own tracer provider (its instrumentation and redaction), exported to memory.
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            };
        });
        using var openMemory = stack.Gateway.Client("openmemory");
        openMemory.Timeout = Timeout.InfiniteTimeSpan;
        using var mem0 = stack.Gateway.Client("mem0");

        var session = await McpSseClient.OpenAsync(openMemory, $"/mcp/claude/sse/{SseUser}");
        var sessionId = session.SessionId;
        await session.CallToolAsync(1, "add_memories", new() { ["text"] = MemoryText });
        await session.CallToolAsync(2, "search_memory", new() { ["query"] = SearchText });
        await session.WaitForResultsAsync(TimeSpan.FromSeconds(10), 1, 2);
        using (var content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"add_memories\",\"arguments\":{\"text\":\"" + MemoryText + "\"}}}", Encoding.UTF8, "application/json"))
        {
            (await openMemory.PostAsync($"/mcp/cursor/http/{HttpUser}", content)).Dispose();
        }

        (await mem0.GetAsync($"/memories?user_id={RestUser}")).Dispose();
        using (var content = new StringContent($$"""{"messages":[{"role":"user","content":"{{MemoryText}}"}],"user_id":"{{RestUser}}"}""", Encoding.UTF8, "application/json"))
        {
            (await mem0.PostAsync("/memories", content)).Dispose();
        }

        await session.DisposeAsync();
        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_sessions_active") == 0);
        string[] secrets = [SseUser, HttpUser, RestUser, sessionId, MemoryText, "passport", SearchText];

        // Everything was seen and counted...
        Assert.Equal(3, metrics.Sum("mem0_gateway_mcp_tool_calls_total"));
        Assert.Equal(2, metrics.Sum("mem0_gateway_active_users", ("service", "openmemory"), ("window", "5m")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_active_users", ("service", "mem0"), ("window", "5m")));

        // ...and nothing personal is in the exposition, or in any log line.
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, metrics.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(logs.Events, e => e.Text.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        // The MCP attributes follow the OTel conventions and hold bounded values or keyed tokens; every attribute,
        // url.* included, is free of ids and memory text. The ASP.NET Core activity source is process-wide: keep the
        // spans of this test's gateway.
        // A server span ends once its response is fully written, which can be just after the client has it.
        var port = stack.Gateway.ServicePorts["openmemory"];
        List<Activity> server = [];
        List<Activity> toolSpans = [];
        for (var waited = 0; waited < 100; waited++)
        {
            server = spans.ToArray().Where(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("server.port"), port)).ToList();
            var serverSpanIds = server.Select(s => s.SpanId).ToHashSet();
            // One MCP span per JSON-RPC request, a child of the HTTP request that carried it.
            toolSpans = spans.ToArray().Where(s => s.Source.Name == "Mem0Gateway.Mcp" && serverSpanIds.Contains(s.ParentSpanId)
                && s.GetTagItem("gen_ai.tool.name") is not null).ToList();
            if (toolSpans.Count >= 3 && server.Any(s => s.GetTagItem("mcp.session.id") is not null && s.DisplayName.StartsWith("GET", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(3, toolSpans.Count);
        Assert.All(toolSpans, s => Assert.Equal("tools/call", s.GetTagItem("mcp.method.name")));
        Assert.All(toolSpans, s => Assert.Equal("execute_tool", s.GetTagItem("gen_ai.operation.name")));
        Assert.Equal(["add_memories", "add_memories", "search_memory"], toolSpans.Select(s => (string)s.GetTagItem("gen_ai.tool.name")!).Order());
        var stream = Assert.Single(server, s => s.GetTagItem("mcp.session.id") is not null && s.DisplayName.StartsWith("GET", StringComparison.Ordinal));
        Assert.Matches("^h:[0-9a-f]{16}$", (string)stream.GetTagItem("mcp.session.id")!);
        Assert.Equal("claude", stream.GetTagItem("mem0.mcp.client"));

        // The fake upstreams and this test's own HttpClients run in this process too, and their spans (raw paths, as
        // any backend's) are not the gateway's: judge the gateway's server spans (they carry mem0.service) and the
        // upstream calls made under them.
        var all = spans.ToArray();
        var gatewayServer = all.Where(s => s.Kind == ActivityKind.Server && s.GetTagItem("mem0.service") is not null).ToList();
        var serverIds = gatewayServer.Select(s => s.SpanId).ToHashSet();
        var gatewaySpans = gatewayServer.Concat(all.Where(s => (s.Kind == ActivityKind.Client || s.Source.Name == "Mem0Gateway.Mcp")
            && serverIds.Contains(s.ParentSpanId))).ToList();
        Assert.Contains(gatewaySpans, s => s.Kind == ActivityKind.Client);
        foreach (var span in gatewaySpans)
        {
            foreach (var (key, value) in span.Tags)
            {
                Assert.False(secrets.Any(s => value?.Contains(s, StringComparison.OrdinalIgnoreCase) == true),
                    $"{span.Kind} span '{span.DisplayName}' port {span.GetTagItem("server.port")}: {key}={value}");
            }

            Assert.DoesNotContain(secrets, s => span.DisplayName.Contains(s, StringComparison.OrdinalIgnoreCase));
        }
    }
}
