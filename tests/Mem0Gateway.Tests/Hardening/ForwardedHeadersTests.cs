using System.Net;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>What the upstream learns about the client: the gateway's own view, unless a configured proxy vouches.</summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_client_are_replaced_not_passed_on()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        await client.SendAsync(request);

        var received = Assert.Single(stack.Mem0.RequestsTo("GET", "/memories"));
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal($"127.0.0.1:{stack.Gateway.ServicePorts["mem0"]}", received.Header("X-Forwarded-Host"));
    }

    [Fact]
    public async Task Forwarded_headers_from_a_configured_proxy_are_believed()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.Settings["Gateway:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1");
        using var client = stack.Gateway.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        await client.SendAsync(request);

        var received = Assert.Single(stack.Mem0.RequestsTo("GET", "/memories"));
        Assert.Equal("203.0.113.7", received.Header("X-Forwarded-For"));
        Assert.Equal("https", received.Header("X-Forwarded-Proto"));
    }

    [Fact]
    public async Task OpenMemory_redirects_point_back_at_the_gateway_because_the_host_header_is_kept()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("openmemory");
        using var response = await client.GetAsync("/api/v1/config");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal($"http://127.0.0.1:{stack.Gateway.ServicePorts["openmemory"]}/api/v1/config/", response.Headers.Location?.ToString());
        var received = Assert.Single(stack.OpenMemory.RequestsTo("GET", "/api/v1/config"));
        Assert.Equal($"127.0.0.1:{stack.Gateway.ServicePorts["openmemory"]}", received.Host);
    }
}
