using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>A client that goes away is its own fault: 499, never an upstream error, never a reason to eject an upstream.</summary>
public sealed class ClientFaultTests
{
    [Fact]
    public async Task A_client_that_hangs_up_before_the_answer_is_counted_as_499_and_not_against_the_upstream()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.ActiveHealthChecks = false);
        using var client = stack.Gateway.Client("mem0");
        for (var i = 0; i < 12; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/search") { Content = new StringContent("{\"query\":\"q\",\"user_id\":\"u\"}") };
            request.Headers.Add(FakeMem0Upstream.DelayHeader, "10000");
            using var cts = new CancellationTokenSource();
            var send = client.SendAsync(request, cts.Token);

            // Hang up only once the upstream holds the request: a timer would race the gateway on a busy machine.
            var sent = i + 1;
            await Poll.UntilAsync(() => Task.FromResult(stack.Mem0.RequestsTo("POST", "/search").Count() == sent), TimeSpan.FromSeconds(10), "the request at the upstream");
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        }

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total", ("status_code", "499")) == 12);
        Assert.Equal(12, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-search"), ("status_code", "499")));
        Assert.Equal(12, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "mem0-search"), ("error", "client_abort")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_errors_total", ("error", "upstream_5xx")));

        // Twelve aborts are more than passive health's minimum sample: the upstream must still be in rotation.
        using var after = await client.GetAsync("/memories?user_id=u");
        Assert.Equal(System.Net.HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_client_that_stops_reading_a_download_mid_stream_is_a_client_abort()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync();
        using var client = stack.Gateway.Client("openmemory");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/backup/export");
        request.Headers.Add(FakeMem0Upstream.ResponseBytesHeader, (64L * 1024 * 1024).ToString());
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            await body.ReadAtLeastAsync(buffer, buffer.Length);
        } // disposed mid-body: the connection is closed under the gateway's feet

        var metrics = await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_requests_total", ("route", "openmemory-backup-export")) == 1);
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "openmemory-backup-export"), ("status_code", "499")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_errors_total", ("route", "openmemory-backup-export"), ("error", "client_abort")));
    }
}
