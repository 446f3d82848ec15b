using System.Net;
using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;
using Xunit.Abstractions;

namespace Mem0Gateway.Monitoring.Tests.Live;

/// <summary>
/// The SLO ratios read back from a real Prometheus (the shipped rule files) scraping a real gateway, after traffic
/// that the old rules got wrong: adds slower than their 30 s objective (whose bucket Prometheus stores as le="30.0"),
/// responses that break after their headers (the client got 200, then a reset), and client aborts (not the service's fault).
/// The broken-response case reads mem0_gateway_responses_broken_total, which the forwarding outcome adds.
/// </summary>
public sealed class SloLiveTests(ITestOutputHelper output)
{
    private sealed class Stack : IAsyncDisposable
    {
        public required GatewayInstance Gateway { get; init; }
        public required PrometheusServer Prometheus { get; init; }

        /// <summary>A gateway (no active probes: only the test's traffic) scraped by a Prometheus with the shipped rule files.</summary>
        public static async Task<Stack> StartAsync(Dictionary<string, Uri> destinations)
        {
            var dir = Directory.CreateTempSubdirectory("mem0gw-slo-").FullName;
            var tokenFile = LiveConfigs.TokenFile(dir);
            var options = new GatewayInstanceOptions { ActiveHealthChecks = false };
            options.Settings["Gateway:Management:BearerTokenFile"] = tokenFile;
            options.Settings["Logging:LogLevel:Default"] = "Error";
            options.Settings["Logging:LogLevel:Yarp"] = "Critical";
            foreach (var (service, address) in destinations)
            {
                options.Destinations[service] = [address];
            }

            var gateway = await GatewayInstance.StartAsync(options);
            var prometheus = await PrometheusServer.StartAsync(LiveConfigs.Prometheus(tokenFile, gateway.ManagementPort, RepoPaths.RuleFiles, alertmanagerPort: null));
            return new Stack { Gateway = gateway, Prometheus = prometheus };
        }

        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task Slow_adds_burn_the_latency_SLO_and_client_aborts_stay_out_of_the_availability_SLO()
    {
        await using var mem0 = await FakeMem0Upstream.StartAsync();
        await using var ui = await FakeMem0Upstream.StartAsync();
        await using var stack = await Stack.StartAsync(new() { ["mem0"] = mem0.BaseAddress, ["openmemory-ui"] = ui.BaseAddress });
        var prometheus = stack.Prometheus;
        // the adds take longer than the shared clients' 30 s timeout
        using var mem0Client = new HttpClient { BaseAddress = stack.Gateway.ServiceAddress("mem0"), Timeout = TimeSpan.FromSeconds(90) };
        using var uiClient = stack.Gateway.Client("openmemory-ui");

        // rate() counts from a series' first scrape: one request of each kind first, seen by Prometheus, so the
        // measured traffic below is all in the increase.
        await AddAsync(mem0Client, delayMs: null);
        using (var first = await uiClient.GetAsync("/memories?user_id=alice"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await WaitForValueAsync(prometheus, "sum(mem0_gateway_request_duration_seconds_count{service=\"mem0\",operation=\"add\"}) == 1");
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_requests_total{service=\"openmemory-ui\",status_code=\"200\"}) == 1");

        // 8 adds, 4 of them 31 s against the 30 s objective (a bucket Prometheus stores as le="30.0");
        // 3 UI requests the client gives up on before the answer (499)
        var adds = Enumerable.Range(0, 8).Select(i => AddAsync(mem0Client, delayMs: i % 2 == 0 ? 31_000 : null)).ToList();
        for (var i = 0; i < 3; i++)
        {
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=alice");
            request.Headers.Add(FakeMem0Upstream.DelayHeader, "5000");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uiClient.SendAsync(request, impatient.Token));
        }

        await Task.WhenAll(adds);

        // One answered UI request in the window, so the UI's ratio has a denominator: 0, not 0/0.
        using (var answered = await uiClient.GetAsync("/memories?user_id=alice"))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        // once Prometheus has scraped all of it, the next rule evaluation records the ratios
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_request_duration_seconds_count{service=\"mem0\",operation=\"add\"}) == 9");
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_requests_total{service=\"openmemory-ui\",status_code=\"499\"}) == 3");
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_requests_total{service=\"openmemory-ui\",status_code=\"200\"}) == 2");
        var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var slow = await RecordedAfterAsync(prometheus, "service:mem0_gateway_requests_slow_per_requests:ratio_rate5m{service=\"mem0\"}", seen);
        var mem0Errors = await RecordedAfterAsync(prometheus, "service:mem0_gateway_requests_errors_per_requests:ratio_rate5m{service=\"mem0\"}", seen);
        var uiErrors = await RecordedAfterAsync(prometheus, "service:mem0_gateway_requests_errors_per_requests:ratio_rate5m{service=\"openmemory-ui\"}", seen);
        output.WriteLine($"mem0 slow ratio {slow}, mem0 error ratio {mem0Errors}, openmemory-ui error ratio {uiErrors}");

        Assert.InRange(slow, 0.49, 0.51); // 4 of 8 adds over 30 s
        Assert.Equal(0, mem0Errors);      // slow is not failed
        Assert.Equal(0, uiErrors);        // client aborts are not the service's fault
    }

    [Fact]
    public async Task Responses_that_break_after_their_headers_burn_the_availability_SLO()
    {
        await using var resetting = new MisbehavingUpstream(UpstreamFault.ResetMidResponse) { CutOnCue = true };
        await using var stack = await Stack.StartAsync(new() { ["openmemory"] = resetting.BaseAddress });
        var prometheus = stack.Prometheus;
        using var omClient = stack.Gateway.Client("openmemory");

        Assert.Equal(HttpStatusCode.OK, await BrokenAsync(omClient, resetting));
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_requests_total{service=\"openmemory\"}) == 1");
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_responses_broken_total{service=\"openmemory\"}) == 1");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await BrokenAsync(omClient, resetting));
        }

        // the client saw headers and a 200 before each cut: an upstream fault behind a success status
        Assert.Contains(HttpStatusCode.OK, statuses);
        await WaitForValueAsync(prometheus, "sum(mem0_gateway_requests_total{service=\"openmemory\"}) == 6");
        var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var errors = await RecordedAfterAsync(prometheus, "service:mem0_gateway_requests_errors_per_requests:ratio_rate5m{service=\"openmemory\"}", seen);
        var byRoute = await RecordedAfterAsync(prometheus,
            "service_route_operation:mem0_gateway_requests_errors_per_requests:ratio_rate5m{service=\"openmemory\",route=\"openmemory-memories-list\"}", seen);
        output.WriteLine($"openmemory error ratio {errors} (route {byRoute}), statuses {string.Join(' ', statuses)}");

        Assert.InRange(errors, 0.99, 1.01); // every response broke
        Assert.InRange(byRoute, 0.99, 1.01);
    }

    private static async Task AddAsync(HttpClient mem0, int? delayMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/memories")
        {
            Content = new StringContent("{\"messages\":[{\"role\":\"user\",\"content\":\"I like tea\"}],\"user_id\":\"alice\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        if (delayMs is { } d)
        {
            request.Headers.Add(FakeMem0Upstream.DelayHeader, d.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await mem0.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A request whose response breaks mid-body, once its headers have reached the client; returns the status
    /// the client saw before the cut.</summary>
    private static async Task<HttpStatusCode> BrokenAsync(HttpClient openmemory, MisbehavingUpstream upstream)
    {
        using var response = await openmemory.GetAsync("/api/v1/memories/?user_id=alice", HttpCompletionOption.ResponseHeadersRead);
        upstream.Cut();
        if (response.IsSuccessStatusCode)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsByteArrayAsync());
        }

        return response.StatusCode;
    }

    /// <summary>Waits until the query returns one sample and returns its value.</summary>
    private static async Task<double> WaitForValueAsync(PrometheusServer prometheus, string expr)
    {
        var result = await prometheus.WaitForDataAsync(expr);
        Assert.Single(result);
        return double.Parse(result[0]!["value"]![1]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The value of a recorded series from an evaluation after <paramref name="afterUnixSeconds"/>.</summary>
    private static async Task<double> RecordedAfterAsync(PrometheusServer prometheus, string recorded, double afterUnixSeconds)
    {
        await WaitForValueAsync(prometheus, $"timestamp({recorded}) > {afterUnixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return await WaitForValueAsync(prometheus, recorded);
    }
}
