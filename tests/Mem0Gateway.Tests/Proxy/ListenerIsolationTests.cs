using System.Net;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>A port serves one service: requests never cross to another service or to the management endpoints.</summary>
public sealed class ListenerIsolationTests : IAsyncLifetime
{
    private GatewayWithUpstreams _stack = null!;

    public async Task InitializeAsync() => _stack = await GatewayWithUpstreams.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task A_mem0_path_on_the_openmemory_port_stays_with_openmemory()
    {
        using var client = _stack.Gateway.Client("openmemory");
        using var response = await client.PostAsync("/search", new StringContent("""{"query":"x","user_id":"u"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Empty(_stack.Mem0.Requests);
        Assert.Single(_stack.OpenMemory.RequestsTo("POST", "/search"));
        var metrics = await _stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("service", "openmemory"), ("route", "openmemory-other")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_requests_total", ("service", "mem0")));
    }

    [Fact]
    public async Task A_forged_host_header_naming_another_port_does_not_change_the_service()
    {
        using var client = _stack.Gateway.Client("openmemory-ui");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/memories");
        request.Headers.Host = $"127.0.0.1:{_stack.Gateway.ServicePorts["mem0"]}";
        request.Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}],"user_id":"u"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);

        Assert.Empty(_stack.Mem0.Requests);
        Assert.Single(_stack.Ui.RequestsTo("POST", "/memories"));
    }

    [Theory]
    [InlineData("mem0")]
    [InlineData("openmemory")]
    [InlineData("openmemory-ui")]
    public async Task Metrics_are_not_served_on_a_proxy_port(string service)
    {
        using var client = _stack.Gateway.Client(service);
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("mem0_gateway_", text);
        Assert.DoesNotContain("# TYPE", text);
        // It was forwarded like any unknown path, to that service's own upstream.
        var upstream = service switch { "mem0" => _stack.Mem0, "openmemory" => _stack.OpenMemory, _ => _stack.Ui };
        Assert.Single(upstream.RequestsTo("GET", "/metrics"));
    }

    [Fact]
    public async Task The_management_port_serves_metrics_but_proxies_nothing()
    {
        using var metrics = await _stack.Gateway.Management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE process_cpu_seconds_total counter", await metrics.Content.ReadAsStringAsync());

        using var proxied = await _stack.Gateway.Management.GetAsync("/memories?user_id=alice");
        Assert.Equal(HttpStatusCode.NotFound, proxied.StatusCode);
        Assert.Equal("application/problem+json", proxied.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_stack.Mem0.Requests);
    }
}
