using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>Event streams and large bodies pass through without being buffered.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private GatewayWithUpstreams _stack = null!;

    public async Task InitializeAsync() => _stack = await GatewayWithUpstreams.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task The_first_sse_event_arrives_while_the_stream_is_open_and_the_stream_stays_out_of_the_latency_histogram()
    {
        using var client = _stack.Gateway.Client("openmemory");
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp/claude/sse/alice");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("event: endpoint", await reader.ReadLineAsync(cts.Token));
        var data = await reader.ReadLineAsync(cts.Token);
        Assert.StartsWith("data: /mcp/messages/?session_id=", data);

        // The stream is still open upstream: the event came through before the end.
        var session = Assert.Single(_stack.OpenMemory.McpSessions.Values);
        var during = await _stack.Gateway.ScrapeAsync();
        Assert.Equal(1, during.Sum("mem0_gateway_requests_in_flight", ("service", "openmemory")));

        // A later event is delivered as it is sent, not at the end.
        session.Send("event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\r\n\r\n");
        string? line;
        do
        {
            line = await reader.ReadLineAsync(cts.Token);
        }
        while (line is not null && !line.StartsWith("data: {", StringComparison.Ordinal));
        Assert.Equal("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", line);

        session.Close();
        Assert.Null(await ReadToEndOfStreamAsync(reader, cts.Token));

        var after = await WaitForAsync(async () => await _stack.Gateway.ScrapeAsync(),
            m => m.Sum("mem0_gateway_stream_duration_seconds_count", ("route", "openmemory-mcp-sse")) == 1);
        Assert.Equal(1, after.Sum("mem0_gateway_stream_time_to_first_byte_seconds_count", ("route", "openmemory-mcp-sse")));
        Assert.Equal(0, after.Sum("mem0_gateway_request_duration_seconds_count", ("route", "openmemory-mcp-sse")));
        Assert.Equal(1, after.Sum("mem0_gateway_requests_total", ("route", "openmemory-mcp-sse"), ("operation", "mcp_stream"), ("status_code", "200")));
        Assert.Equal(0, after.Sum("mem0_gateway_requests_in_flight", ("service", "openmemory")));
    }

    [Fact]
    public async Task A_large_upload_and_a_large_download_stream_through_byte_for_byte()
    {
        const long size = 64L * 1024 * 1024;
        using var client = _stack.Gateway.Client("openmemory");
        client.Timeout = TimeSpan.FromMinutes(2);

        var content = new PatternStream(size);
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/v1/backup/import") { Content = new StreamContent(content) };
        upload.Content.Headers.ContentType = new("application/zip");
        using var uploaded = await client.SendAsync(upload);
        Assert.True(uploaded.StatusCode < HttpStatusCode.InternalServerError);
        var received = Assert.Single(_stack.OpenMemory.RequestsTo("POST", "/api/v1/backup/import"));
        Assert.Equal(size, received.BodyLength);
        Assert.Equal(PatternStream.Sha256(size), received.BodySha256);

        using var download = new HttpRequestMessage(HttpMethod.Post, "/api/v1/backup/export");
        download.Headers.Add(FakeMem0Upstream.ResponseBytesHeader, size.ToString());
        using var exported = await client.SendAsync(download, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await exported.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Assert.Equal(size, total);
    }

    private static async Task<string?> ReadToEndOfStreamAsync(StreamReader reader, CancellationToken token)
    {
        string? line;
        while ((line = await reader.ReadLineAsync(token)) is not null)
        {
        }

        return line;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || watch.Elapsed > TimeSpan.FromSeconds(5))
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
