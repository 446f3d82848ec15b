using System.Net;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>Preflights as one operation per service, and CORS on the answers the gateway writes itself.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class CorsTests
{
    [Fact]
    public async Task Every_preflight_of_a_service_lands_on_its_preflight_operation()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        using var api = stack.Client("mem0");
        string[] paths = ["/memories", "/configure", "/configure/providers", "/requests", "/entities", "/auth/login", "/auth/me", "/api-keys", "/api-keys/k1"];
        foreach (var path in paths)
        {
            using var preflight = Preflight(path, stack.DashboardOrigin, "POST");
            using var answer = await api.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(stack.DashboardOrigin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        // An OPTIONS that is not a preflight (no Access-Control-Request-Method) stays with the path's own route.
        using var plain = new HttpRequestMessage(HttpMethod.Options, "/memories");
        (await api.SendAsync(plain)).Dispose();

        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(paths.Length, metrics.Sum("mem0_gateway_requests_total", ("service", "mem0"), ("route", "mem0-preflight"), ("operation", "preflight")));
        Assert.Equal(paths.Length + 1, metrics.Sum("mem0_gateway_requests_total", ("method", "OPTIONS")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("method", "OPTIONS"), ("route", "mem0-other")));
    }

    [Theory]
    [InlineData("openmemory", "/api/v1/memories/filter")]
    [InlineData("openmemory-ui", "/memories")]
    public async Task OpenMemory_preflights_have_their_own_operation_too(string service, string path)
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        using var client = stack.Gateway.Client(service);
        for (var i = 0; i < 3; i++)
        {
            using var preflight = Preflight(path, "http://127.0.0.1:13000", "POST");
            (await client.SendAsync(preflight)).Dispose();
        }

        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(3, metrics.Sum("mem0_gateway_requests_total", ("service", service), ("route", service + "-preflight"), ("operation", "preflight")));
        Assert.Empty(metrics.Series("mem0_gateway_requests_total", ("operation", "other")));
    }

    [Fact]
    public async Task With_the_api_down_a_browser_on_the_dashboard_can_read_the_gateways_503_and_trace_id()
    {
        await using var stack = await Mem0Stack.StartAsync(serverUp: false);
        await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_upstream_up", ("service", "mem0")) == 0);
        using var api = stack.Client("mem0");

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/memories") { Headers = { { "Origin", stack.DashboardOrigin } } };
        using var answer = await api.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType!.MediaType);
        Assert.Equal(stack.DashboardOrigin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", answer.Headers.Vary);
        var exposed = string.Join(",", answer.Headers.GetValues("Access-Control-Expose-Headers")).Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("X-Trace-Id", exposed);
        Assert.Contains("traceresponse", exposed);
        Assert.Equal(503, (int)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["status"]!);

        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/memories") { Headers = { { "Origin", "http://evil.example" } } };
        using var refused = await api.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(refused.Headers.Contains("Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task A_502_carries_CORS_for_an_origin_configured_on_the_service()
    {
        await using var stack = await Mem0Stack.StartAsync(o =>
        {
            o.ActiveHealthChecks = false;
            o.Settings["Gateway:Services:mem0:AllowedOrigins:0"] = "https://memories.example.com";
        }, serverUp: false);
        using var api = stack.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/entities") { Headers = { { "Origin", "https://memories.example.com" } } };
        using var answer = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        Assert.Equal("https://memories.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", answer.Headers.Vary);
    }

    [Fact]
    public async Task The_upstreams_own_CORS_answers_also_expose_the_trace_headers()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        var key = stack.Server.CreateApiKey();
        using var api = stack.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories") { Headers = { { "Origin", stack.DashboardOrigin }, { "X-API-Key", key } } };
        using var answer = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(stack.DashboardOrigin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("X-Trace-Id", string.Join(",", answer.Headers.GetValues("Access-Control-Expose-Headers")));
        Assert.True(answer.Headers.Contains("X-Trace-Id"));

        // No Origin, no CORS headers: a server-to-server call gets nothing it does not need.
        using var plain = new HttpRequestMessage(HttpMethod.Get, "/memories") { Headers = { { "X-API-Key", key } } };
        using var plainAnswer = await api.SendAsync(plain);
        Assert.False(plainAnswer.Headers.Contains("Access-Control-Expose-Headers"));
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method) => new(HttpMethod.Options, path)
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", method },
            { "Access-Control-Request-Headers", "authorization,content-type" },
        },
    };
}
