using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>Failures the gateway itself answers: fast, problem+json, and counted.</summary>
public sealed class UpstreamFailureTests
{
    [Fact]
    public async Task A_stopped_upstream_gives_a_fast_problem_response_and_is_counted()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        await stack.Mem0.StopAsync();
        using var client = stack.Gateway.Client("mem0");

        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsync("/search", new StringContent("""{"query":"q","user_id":"u"}""", System.Text.Encoding.UTF8, "application/json"));
        watch.Stop();

        Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {(int)response.StatusCode}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)response.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("mem0", problem.RootElement.GetProperty("detail").GetString());

        var metrics = await stack.Gateway.ScrapeAsync();
        var status = ((int)response.StatusCode).ToString();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-search"), ("status_code", status)));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-search"), ("error", "connect_refused")));
    }

    [Fact]
    public async Task An_upstream_5xx_is_passed_through_and_counted_as_an_upstream_error()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
        request.Headers.Add(FakeMem0Upstream.StatusHeader, "500");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("injected failure", await response.Content.ReadAsStringAsync()); // the upstream's body, untouched
        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all"), ("status_code", "500")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-get-all"), ("error", "upstream_5xx")));
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
