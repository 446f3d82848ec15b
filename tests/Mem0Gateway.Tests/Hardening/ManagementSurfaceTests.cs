using System.Net;
using System.Net.Http.Headers;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>The management port: its own bind address, and an optional bearer token on what it reveals.</summary>
public sealed class ManagementSurfaceTests
{
    [Fact]
    public async Task Metrics_need_the_bearer_token_from_the_token_file_when_one_is_configured()
    {
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "s3cr3t-scrape-token\n");
        try
        {
            await using var stack = await GatewayWithUpstreams.StartAsync(o => o.Settings["Gateway:Management:BearerTokenFile"] = tokenFile);
            using var anonymous = await stack.Gateway.Management.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.ToString());
            Assert.DoesNotContain("mem0_gateway", await anonymous.Content.ReadAsStringAsync());

            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Gateway.Management.SendAsync(wrong)).StatusCode);

            using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cr3t-scrape-token") } };
            using var scraped = await stack.Gateway.Management.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
            Assert.Contains("process_cpu_seconds_total", await scraped.Content.ReadAsStringAsync());
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task The_management_listener_binds_only_to_its_configured_address()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.Settings["Gateway:ManagementAddress"] = "127.0.0.2");
        var port = stack.Gateway.ManagementPort;
        using var onItsAddress = new HttpClient { BaseAddress = new Uri($"http://127.0.0.2:{port}/") };
        Assert.Equal(HttpStatusCode.OK, (await onItsAddress.GetAsync("/metrics")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => stack.Gateway.Management.GetAsync("/metrics")); // 127.0.0.1: nothing listens
    }
}
