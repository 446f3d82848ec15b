using System.Net;
using System.Text;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>
/// Blame lands on the right party: what a client sends wrong is a 4xx with a client error value, never a 5xx and never
/// a reason to take the upstream out; what an upstream answers wrong is the upstream's, with its own error value, and
/// the status counted is the one the client got.
/// </summary>
public sealed class BlameTests
{
    private static async Task<double> UpAsync(GatewayInstance gateway)
        => (await gateway.ScrapeAsync()).Sum("mem0_gateway_upstream_up", ("service", "mem0"), ("destination", "mem0-1"));

    private static double FiveHundreds(MetricsSnapshot metrics)
        => metrics.Series("mem0_gateway_requests_total").Where(s => s.Labels["status_code"].StartsWith('5')).Sum(s => s.Value);

    [Fact]
    public async Task A_non_ascii_header_value_gets_400_and_twelve_of_them_do_not_take_mem0_down()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        var port = stack.Gateway.ServicePorts["mem0"];
        var request = Encoding.UTF8.GetBytes("GET /memories?user_id=u HTTP/1.1\r\nHost: x\r\nX-A: café\r\nConnection: close\r\n\r\n");
        for (var i = 0; i < 15; i++)
        {
            var response = await RawHttp.ExchangeAsync(port, request);
            Assert.Equal(400, RawHttp.StatusOf(response));
            Assert.Contains("application/problem+json", response);
        }

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all")) == 15);
        Assert.Equal(15, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all"), ("status_code", "400")));
        Assert.Equal(15, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "client_bad_header"), ("blame", "client")));
        Assert.Equal(0, FiveHundreds(metrics));
        Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_errors_total", ("blame", "upstream_transport")));

        // mem0 is still in rotation for everyone else.
        using var client = stack.Gateway.Client("mem0");
        using var ok = await client.GetAsync("/memories?user_id=u");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, await UpAsync(stack.Gateway));
    }

    [Theory]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nConnection: close\r\n\r\n")]
    [InlineData("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n")]
    public async Task Connect_is_refused_as_the_clients_fault_not_counted_as_a_5xx(string raw)
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);

        var response = await RawHttp.ExchangeAsync(stack.Gateway.ServicePorts["mem0"], raw);

        var status = RawHttp.StatusOf(response);
        Assert.True(status is 405 or 400, $"got {status}");
        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total") >= 1);
        Assert.Equal(0, FiveHundreds(metrics));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("status_code", status.ToString())));
        Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_errors_total", ("blame", "gateway")));
        Assert.Empty(stack.Mem0.Requests);
    }

    [Fact]
    public async Task A_broken_chunked_body_is_a_client_400_in_the_metrics_too_not_a_499()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        const string raw = "POST /memories HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "5\r\n{\"a\":\r\nzz\r\n\r\n";

        var response = await RawHttp.ExchangeAsync(stack.Gateway.ServicePorts["mem0"], raw);

        Assert.Equal(400, RawHttp.StatusOf(response));
        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total", ("route", "mem0-add")) == 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-add"), ("status_code", "400")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "client_bad_body"), ("blame", "client")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "client_abort")));
    }

    [Theory]
    [InlineData(UpstreamFault.UnaskedUpgrade, "unexpected_upgrade")]
    [InlineData(UpstreamFault.MalformedResponse, "invalid_response")]
    public async Task An_upstream_protocol_fault_is_the_upstreams_with_its_own_error_value(UpstreamFault fault, string error)
    {
        await using var upstream = new MisbehavingUpstream(fault);
        var options = new GatewayInstanceOptions { ActiveHealthChecks = false };
        options.Destinations["mem0"] = [upstream.BaseAddress];
        await using var gateway = await GatewayInstance.StartAsync(options);
        using var client = gateway.Client("mem0");

        using var response = await client.GetAsync("/memories?user_id=u");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var metrics = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all")) == 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-get-all"), ("status_code", "502")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-get-all"), ("error", error), ("blame", "upstream_transport")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "client_abort")));
    }
}
