using System.Net;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Health;

/// <summary>Passive health: an upstream answering 5xx is taken out of rotation for a while; impatient clients are not its fault.</summary>
public sealed class PassiveHealthTests
{
    private static async Task<double> UpAsync(GatewayInstance gateway)
        => (await gateway.ScrapeAsync()).Sum("mem0_gateway_upstream_up", ("service", "mem0"), ("destination", "mem0-1"));

    [Fact]
    public async Task Repeated_500s_take_the_upstream_out_of_rotation_until_the_reactivation_period_ends()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Passive:ReactivationPeriod"] = "00:00:04";
            o.Settings["ReverseProxy:Clusters:mem0:Metadata:TransportAndServerErrorRate.DetectionWindow"] = "00:00:04";
        });
        using var client = stack.Gateway.Client("mem0");

        // The default minimal count is 10 requests in the window; all of these fail.
        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
            request.Headers.Add(FakeMem0Upstream.StatusHeader, "500");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        // The active probe of /openapi.json still succeeds: only passive health saw the failures.
        await Poll.UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/memories?user_id=u");
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(2), "requests answered 503 by the gateway");
        Assert.Equal(0, await UpAsync(stack.Gateway));
        var sentToUpstream = stack.Mem0.RequestsTo("GET", "/memories").Count();

        var back = await Poll.UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/memories?user_id=u");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "traffic flowing again after the reactivation period");
        Assert.True(back >= TimeSpan.FromSeconds(2), $"back after {back}: the reactivation period was not observed");
        Assert.Equal(1, await UpAsync(stack.Gateway));
        Assert.Equal(sentToUpstream + 1, stack.Mem0.RequestsTo("GET", "/memories").Count());
    }

    [Fact]
    public async Task A_few_500s_among_successes_do_not_take_the_upstream_out()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
            if (i % 4 == 0)
            {
                request.Headers.Add(FakeMem0Upstream.StatusHeader, "500");
            }

            using var response = await client.SendAsync(request);
            Assert.NotEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        await Task.Delay(300);
        using var last = await client.GetAsync("/memories?user_id=u");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(1, await UpAsync(stack.Gateway));
    }

    [Fact]
    public async Task Clients_aborting_their_own_requests_never_count_against_the_upstream()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");

        for (var i = 0; i < 15; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
            request.Headers.Add(FakeMem0Upstream.DelayHeader, "5000");
            using var cancel = new CancellationTokenSource();
            var pending = client.SendAsync(request, cancel.Token);
            // Hang up only once the upstream has the request, so the gateway really proxied it.
            var reached = i + 1;
            await Poll.UntilAsync(() => Task.FromResult(stack.Mem0.RequestsTo("GET", "/memories").Count() >= reached),
                TimeSpan.FromSeconds(5), "request at the upstream");
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        // The gateway saw them end as client aborts.
        await Poll.UntilAsync(async () => (await stack.Gateway.ScrapeAsync()).Sum("mem0_gateway_requests_total", ("route", "mem0-get-all"), ("status_code", "499")) >= 15,
            TimeSpan.FromSeconds(5), "15 client aborts counted");

        await Task.Delay(300);
        using var response = await client.GetAsync("/memories?user_id=u");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await UpAsync(stack.Gateway));
    }
}
