using System.Diagnostics;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>An event stream's headers go to the client as soon as the upstream sends them, not with the first event.</summary>
public sealed class EventStreamHeadersTests
{
    [Fact]
    public async Task The_client_gets_event_stream_headers_before_the_first_event_and_time_to_first_byte_measures_them()
    {
        await using var upstream = new MisbehavingUpstream(UpstreamFault.EventStreamHeldFirstEvent);
        var options = new GatewayInstanceOptions { ActiveHealthChecks = false };
        options.Destinations["mem0"] = [upstream.BaseAddress];
        await using var gateway = await GatewayInstance.StartAsync(options);
        using var client = gateway.Client("mem0");

        var start = Stopwatch.GetTimestamp();
        // The upstream holds its first event until released: headers can only arrive here if they were sent on their own.
        using var headersOnly = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var response = await client.GetAsync("/memories?user_id=u", HttpCompletionOption.ResponseHeadersRead, headersOnly.Token);
        var headersAfter = Stopwatch.GetElapsedTime(start);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        upstream.Release();
        Assert.Equal("event: hi\ndata: 1\n\n", await response.Content.ReadAsStringAsync());

        var metrics = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_stream_time_to_first_byte_seconds_count") == 1);
        var timeToFirstByte = metrics.Sum("mem0_gateway_stream_time_to_first_byte_seconds_sum", ("route", "mem0-get-all"));
        Assert.True(timeToFirstByte <= headersAfter.TotalSeconds,
            $"time to first byte {timeToFirstByte:F3}s, but the client had the headers after {headersAfter.TotalSeconds:F3}s");
    }
}
