using System.Net;
using System.Text;
using Mem0Gateway.Tests.Mcp.Sdk;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>
/// A Streamable HTTP server (a stand-in answering as the 2025-11-25 spec says) whose POST stream ends after its priming
/// event, before the answer; the client resumes with GET + <c>Last-Event-ID</c> and gets the answer there, and a second
/// resume replays it. The call is counted once, and the GET streams stay out of the request latency histogram.
/// </summary>
[Collection(Tracing.ProcessWideTracingCollection.Name)]
public sealed class McpResumedStreamTests
{
    private const string SessionId = "resumable-session-5d1e";
    private const string Answer = """{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"[]"}],"isError":false}}""";

    [Fact]
    public async Task An_answer_on_a_resumed_stream_ends_its_call_once()
    {
        await using var upstream = await StartStandInAsync();
        var address = upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var stack = await McpSdkTransportTests.StartGatewayAsync(new Uri(address + "/"), options =>
        {
            var edit = options.EditConfig;
            options.EditConfig = config =>
            {
                edit?.Invoke(config);
                config["Gateway"]!["Mcp"]!["Clients"]!.AsArray().Add("goose");
            };
        });
        using var client = stack.Client("openmemory");

        // The client sees the upstream's id with the gateway's destination hint; the stand-in only ever sees its own.
        string sessionId;
        using (var initialize = await client.SendAsync(Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"goose","version":"1.0.0"}}}""", null)))
        {
            sessionId = Assert.Single(initialize.Headers.GetValues("Mcp-Session-Id"));
            Assert.StartsWith(SessionId + "~", sessionId);
        }

        using (var call = await client.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_memories","arguments":{}}}""", sessionId)))
        {
            Assert.DoesNotContain("result", await call.Content.ReadAsStringAsync());
        }

        for (var resume = 0; resume < 2; resume++)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, "/sdk");
            get.Headers.Accept.ParseAdd("text/event-stream");
            get.Headers.Add("Mcp-Session-Id", sessionId);
            get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
            get.Headers.Add("Last-Event-ID", "e1");
            using var stream = await client.SendAsync(get);
            Assert.Contains("\"id\":2", await stream.Content.ReadAsStringAsync());
        }

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_mcp_tool_call_outcomes_total") >= 1
            && m.Sum("mem0_gateway_requests_total", ("route", "sdk-mcp"), ("method", "GET")) == 2);
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total"));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_tool_call_outcomes_total", ("tool", "list_memories"), ("client", "goose"), ("outcome", "result")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_mcp_sessions_active", ("client", "goose"), ("transport", "streamable_http")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_request_duration_seconds_count", ("route", "sdk-mcp"), ("method", "GET")));
    }

    private static HttpRequestMessage Post(string json, string? sessionId) => McpHttpRequests.Post(json, sessionId, "2025-11-25");

    private static async Task<WebApplication> StartStandInAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/sdk", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (body.Contains("\"initialize\"", StringComparison.Ordinal))
            {
                context.Response.Headers["Mcp-Session-Id"] = SessionId;
                await context.Response.WriteAsJsonAsync(new { jsonrpc = "2.0", id = 1, result = new { protocolVersion = "2025-11-25" } });
                return;
            }

            // The priming event, then the stream ends before the answer (as when a connection drops).
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("id: e1\ndata: \n\n");
        });
        app.MapGet("/sdk", async context =>
        {
            if (context.Request.Headers["Mcp-Session-Id"] != SessionId)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("id: e2\nevent: message\ndata: " + Answer + "\n\n");
        });
        await app.StartAsync();
        return app;
    }
}
