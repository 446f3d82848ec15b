using System.Net;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Health;

/// <summary>
/// Passive health: transport failures take a destination out for a while; the upstream's own 5xx only where the cluster
/// opts in; never the last destination; impatient clients are never the upstream's fault.
/// </summary>
public sealed class PassiveHealthTests
{
    private static async Task<double> UpAsync(GatewayInstance gateway)
        => (await gateway.ScrapeAsync()).Sum("mem0_gateway_upstream_up", ("service", "mem0"), ("destination", "mem0-1"));

    private static async Task<double> UpAsync(GatewayInstance gateway, string destination)
        => (await gateway.ScrapeAsync()).Sum("mem0_gateway_upstream_up", ("service", "mem0"), ("destination", destination));

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, int? upstreamStatus)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
        if (upstreamStatus is { } status)
        {
            request.Headers.Add(FakeMem0Upstream.StatusHeader, status.ToString());
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Where_a_cluster_opts_in_repeated_500s_take_a_destination_out_but_never_the_last_one()
    {
        await using var second = await FakeMem0Upstream.StartAsync();
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Destinations["mem0"] = [o.Destinations["mem0"][0], second.BaseAddress];
            o.Settings["ReverseProxy:Clusters:mem0:HealthCheck:Passive:ReactivationPeriod"] = "00:00:04";
            o.Settings["ReverseProxy:Clusters:mem0:Metadata:TransportAndServerErrorRate.DetectionWindow"] = "00:00:04";
            o.Settings["ReverseProxy:Clusters:mem0:Metadata:TransportAndServerErrorRate.CountServerErrors"] = "true";
        });
        using var client = stack.Gateway.Client("mem0");

        // Both destinations answer 500: the first to reach the minimal count goes out, the other is then the last one.
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, await SendAsync(client, 500));
        }

        var up = await UpAsync(stack.Gateway, "mem0-1") + await UpAsync(stack.Gateway, "mem0-2");
        Assert.Equal(1, up);

        // The last destination keeps serving: no 503 from the gateway for requests it can answer.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync(client, null));
        }

        var back = await Poll.UntilAsync(async () => await UpAsync(stack.Gateway, "mem0-1") + await UpAsync(stack.Gateway, "mem0-2") == 2,
            TimeSpan.FromSeconds(15), "both destinations back after the reactivation period");
        Assert.True(back >= TimeSpan.FromSeconds(1), $"back after {back}: the reactivation period was not observed");
    }

    [Fact]
    public async Task By_default_the_upstreams_own_502s_are_counted_but_never_take_it_out()
    {
        // mem0 answers 502 when its LLM provider fails; auth, the dashboard and reads still work and must stay reachable.
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("mem0");
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, await SendAsync(client, 502));
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, null));
        Assert.Equal(1, await UpAsync(stack.Gateway));
        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(30, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "upstream_5xx"), ("blame", "upstream_application")));
        Assert.Equal(31, stack.Mem0.RequestsTo("GET", "/memories").Count());
    }

    [Fact]
    public async Task Even_where_a_cluster_opts_in_a_lone_destination_is_never_taken_out_by_passive_health()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
            o.Settings["ReverseProxy:Clusters:mem0:Metadata:TransportAndServerErrorRate.CountServerErrors"] = "true");
        using var client = stack.Gateway.Client("mem0");
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, await SendAsync(client, 500));
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, null));
        Assert.Equal(1, await UpAsync(stack.Gateway));
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

        // Passive health is evaluated as each request ends: one more request orders the checks below after the
        // evaluation of every request above.
        using (await client.GetAsync("/memories?user_id=u"))
        {
        }

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

        // Passive health is evaluated as each request ends: one more request orders the checks below after the
        // evaluation of every aborted one.
        using (await client.GetAsync("/memories?user_id=u"))
        {
        }

        using var response = await client.GetAsync("/memories?user_id=u");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await UpAsync(stack.Gateway));
    }
}
