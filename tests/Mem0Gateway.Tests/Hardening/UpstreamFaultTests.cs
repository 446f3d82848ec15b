using System.Diagnostics;
using System.Net;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>Each way an upstream can break: the gateway stays up, answers clearly, and counts the fault by its own name.</summary>
public sealed class UpstreamFaultTests
{
    private static async Task<GatewayInstance> GatewayInFrontOf(Uri upstream, Action<GatewayInstanceOptions>? configure = null)
    {
        var options = new GatewayInstanceOptions { ActiveHealthChecks = false };
        options.Destinations["mem0"] = [upstream];
        configure?.Invoke(options);
        return await GatewayInstance.StartAsync(options);
    }

    [Theory]
    [InlineData(UpstreamFault.ResetBeforeResponse, "connection_reset", 502)]
    [InlineData(UpstreamFault.NeverAnswers, "timeout", 504)]
    public async Task A_fault_before_the_response_gets_a_problem_answer_and_its_own_error_value(UpstreamFault fault, string error, int status)
    {
        await using var upstream = new MisbehavingUpstream(fault);
        await using var gateway = await GatewayInFrontOf(upstream.BaseAddress, o => o.Settings["ReverseProxy:Routes:mem0-get-all:Timeout"] = "00:00:01");
        using var client = gateway.Client("mem0");

        using var response = await client.GetAsync("/memories?user_id=u");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var metrics = await gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-get-all"), ("error", error)));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all"), ("status_code", status.ToString())));
    }

    [Theory]
    [InlineData(UpstreamFault.ResetMidResponse, "connection_reset")]
    [InlineData(UpstreamFault.TruncatedBody, "response_truncated")]
    public async Task A_fault_during_the_body_breaks_the_client_response_instead_of_faking_a_complete_one(UpstreamFault fault, string error)
    {
        await using var upstream = new MisbehavingUpstream(fault);
        await using var gateway = await GatewayInFrontOf(upstream.BaseAddress);
        using var client = gateway.Client("mem0");

        // The status line was already sent: the only honest signal left is a broken body.
        var failure = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.GetAsync("/memories?user_id=u");
            await response.Content.ReadAsByteArrayAsync();
        });
        Assert.IsType<HttpRequestException>(failure);

        var metrics = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_upstream_errors_total", ("error", error)) == 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-get-all"), ("error", error), ("blame", "upstream_transport")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "client_abort")));
        // A response cut short after its headers: broken, and counted with the status the client really got.
        Assert.Equal(1, metrics.Sum("mem0_gateway_responses_broken_total", ("route", "mem0-get-all"), ("operation", "get_all"), ("error", error)));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all"), ("status_code", "200")));

        // And the gateway is still serving.
        using var health = await gateway.Management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_slow_loris_upstream_is_cut_off_by_the_route_timeout()
    {
        await using var upstream = new MisbehavingUpstream(UpstreamFault.SlowLoris);
        await using var gateway = await GatewayInFrontOf(upstream.BaseAddress, o => o.Settings["ReverseProxy:Routes:mem0-get-all:Timeout"] = "00:00:02");
        using var client = gateway.Client("mem0");

        var watch = Stopwatch.StartNew();
        var failure = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.GetAsync("/memories?user_id=u", HttpCompletionOption.ResponseHeadersRead);
            await response.Content.ReadAsByteArrayAsync();
        });

        Assert.NotNull(failure);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the trickle held the request for {watch.Elapsed}");
        var metrics = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_upstream_errors_total", ("error", "timeout")) == 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-get-all"), ("error", "timeout")));
    }

    [Fact]
    public async Task A_burst_of_upstream_5xx_is_passed_through_and_counted_one_by_one()
    {
        await using var upstream = await FakeMem0Upstream.StartAsync();
        // Passive health would (rightly) eject the destination mid-burst; here only the counting is under test.
        await using var gateway = await GatewayInFrontOf(upstream.BaseAddress, o => o.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Passive:Enabled"] = "false");
        using var client = gateway.Client("mem0");
        for (var i = 0; i < 25; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/search") { Content = new StringContent("{\"query\":\"q\",\"user_id\":\"u\"}") };
            request.Headers.Add(FakeMem0Upstream.StatusHeader, i % 2 == 0 ? "500" : "503");
            using var response = await client.SendAsync(request);
            // Passed through as the upstream sent it: its status and its own body, not a gateway problem document.
            Assert.Equal(i % 2 == 0 ? HttpStatusCode.InternalServerError : HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("injected failure", await response.Content.ReadAsStringAsync());
        }

        var metrics = await gateway.ScrapeAsync();
        Assert.Equal(13, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-search"), ("status_code", "500")));
        Assert.Equal(12, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-search"), ("status_code", "503")));
        Assert.Equal(25, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-search"), ("error", "upstream_5xx")));
    }

    [Fact]
    public async Task When_one_destination_dies_the_next_requests_go_to_the_live_one()
    {
        await using var live = await FakeMem0Upstream.StartAsync();
        await using var doomed = await FakeMem0Upstream.StartAsync();
        var options = new GatewayInstanceOptions();
        options.Destinations["mem0"] = [live.BaseAddress, doomed.BaseAddress];
        options.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Active:Interval"] = "00:00:01";
        options.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Active:Timeout"] = "00:00:01";
        options.Settings["ReverseProxy:Clusters:mem0:Metadata:ConsecutiveFailuresHealthPolicy.Threshold"] = "1";
        await using var gateway = await GatewayInstance.StartAsync(options);
        using var client = gateway.Client("mem0");

        await doomed.StopAsync();
        await Poll.UntilAsync(
            async () => (await gateway.ScrapeAsync()).Sum("mem0_gateway_upstream_up", ("service", "mem0"), ("destination", "mem0-2")) == 0,
            TimeSpan.FromSeconds(10), "the stopped destination probed down");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/memories?user_id=u");
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(20, live.RequestsTo("GET", "/memories").Count());
    }
}
