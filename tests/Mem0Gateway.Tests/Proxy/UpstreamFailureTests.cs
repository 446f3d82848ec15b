using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>Failures the gateway itself answers: fast, problem+json, and counted.</summary>
public sealed class UpstreamFailureTests
{
    [Theory]
    // service, method, path, body, route: a plain JSON call and an MCP SSE stream whose upstream is down
    [InlineData("mem0", "POST", "/search", """{"query":"q","user_id":"u"}""", "mem0-search")]
    [InlineData("openmemory", "GET", "/mcp/claude/sse/alice", null, "openmemory-mcp-sse")]
    public async Task A_stopped_upstream_gives_a_fast_problem_response_and_is_counted(string service, string method, string path, string? body, string route)
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        await (service == "mem0" ? stack.Mem0 : stack.OpenMemory).StopAsync();
        using var client = stack.Gateway.Client(service);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is null)
        {
            // An SSE client gets the problem body too, not a 500 or an empty stream.
            request.Headers.Accept.ParseAdd("text/event-stream");
        }
        else
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        watch.Stop();

        Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {(int)response.StatusCode}");
        // Far below the 15 s connect timeout a hanging gateway would wait for (generous: CI machines are loaded).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)response.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(service, problem.RootElement.GetProperty("detail").GetString());

        var status = ((int)response.StatusCode).ToString();
        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total", ("route", route), ("status_code", status)) == 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", route), ("status_code", status)));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", route), ("error", "connect_refused")));
    }

    [Fact]
    public async Task A_route_timeout_gives_504_with_a_problem_body_and_counts_a_timeout()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.Settings["ReverseProxy:Routes:mem0-search:Timeout"] = "00:00:01");
        using var client = stack.Gateway.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/search")
        {
            Content = new StringContent("""{"query":"q","user_id":"u"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(FakeMem0Upstream.DelayHeader, "10000");

        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}: the gateway waited for the upstream instead of its 1 s timeout");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-search"), ("status_code", "504")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-search"), ("error", "timeout")));
    }
}
