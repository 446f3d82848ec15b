using System.Diagnostics;
using System.Net;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>SIGTERM: in-flight requests finish, event streams end at once, and the process exits 0.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task On_sigterm_in_flight_requests_finish_streams_end_and_the_exit_code_is_zero()
    {
        await using var upstream = await FakeMem0Upstream.StartAsync();
        var options = new GatewayInstanceOptions { DefaultDestination = upstream.BaseAddress, ActiveHealthChecks = false };
        options.Settings["Gateway:Shutdown:DrainTimeout"] = "00:00:10";
        await using var gateway = await GatewayProcess.StartAsync(options);

        using var mem0 = gateway.Client("mem0");
        using var slow = new HttpRequestMessage(HttpMethod.Post, "/search") { Content = new StringContent("{\"query\":\"q\",\"user_id\":\"u\"}") };
        slow.Headers.Add(FakeMem0Upstream.DelayHeader, "2000");
        var inFlight = mem0.SendAsync(slow);

        using var openMemory = gateway.Client("openmemory");
        openMemory.Timeout = Timeout.InfiniteTimeSpan;
        using var stream = await openMemory.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/mcp/claude/sse/alice"), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("event: endpoint", await reader.ReadLineAsync());
        // SIGTERM only once the slow request is at the upstream: on a busy machine a fixed pause could come too early.
        await Poll.UntilAsync(() => Task.FromResult(upstream.RequestsTo("POST", "/search").Any()), TimeSpan.FromSeconds(10), "the slow request at the upstream");

        var watch = Stopwatch.StartNew();
        gateway.SendSigterm();

        // The stream ends at once rather than holding the drain.
        var streamEnded = Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync() is not null)
                {
                }
            }
            catch (IOException)
            {
            }
            catch (HttpRequestException)
            {
            }

            return watch.Elapsed;
        });
        Assert.True(await streamEnded < TimeSpan.FromSeconds(2), "the SSE stream was not ended promptly");

        using var finished = await inFlight;
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"shutdown took {watch.Elapsed}");
    }
}
