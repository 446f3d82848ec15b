using System.Net;
using System.Net.Sockets;
using System.Text;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>Malformed or oversized requests get a clear 4xx, reach no upstream, and put nothing of theirs into the metrics.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private GatewayWithUpstreams _stack = null!;

    public async Task InitializeAsync() => _stack = await GatewayWithUpstreams.StartAsync(o => o.Settings["Gateway:Limits:MaxRequestBodySize"] = "65536");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Oversized_headers_get_431()
    {
        using var client = _stack.Gateway.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
        request.Headers.Add("X-Padding", new string('a', 40 * 1024));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Empty(_stack.Mem0.Requests);
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_gets_413_with_a_declared_length()
    {
        using var client = _stack.Gateway.Client("mem0");
        using var response = await client.PostAsync("/memories", new ByteArrayContent(new byte[100_000]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(_stack.Mem0.RequestsTo("POST", "/memories"), r => r.BodyLength > 65536);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_gets_413_and_the_upstream_never_gets_all_of_it()
    {
        using var client = _stack.Gateway.Client("mem0");
        var content = new StreamContent(new PatternStream(1_000_000)); // no Content-Length: chunked
        using var response = await client.PostAsync("/memories", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(_stack.Mem0.Requests, r => r.BodyLength == 1_000_000);
    }

    [Theory]
    [InlineData("GET /memories?user_id=u HTTP/1.1\r\nHost: x\r\nX-Evil: a\rInjected: b\r\n\r\n")]
    [InlineData("GET /memories HTTP/1.1\r\nHost: x\r\nBad Header Name: v\r\n\r\n")]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("POST /memories HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")]
    [InlineData("GET /memories HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n")]
    public async Task Invalid_http_and_cr_lf_injection_get_400_from_kestrel(string raw)
    {
        var status = await SendRawAsync(_stack.Gateway.ServicePorts["mem0"], raw);
        Assert.StartsWith("HTTP/1.1 4", status);
        Assert.Empty(_stack.Mem0.Requests);
        var metrics = await _stack.Gateway.ScrapeAsync();
        Assert.Equal(0, metrics.Sum("mem0_gateway_requests_total"));
    }

    [Theory]
    [InlineData("/../metrics")]
    [InlineData("/memories/../../metrics")]
    [InlineData("/%2e%2e/metrics")]
    [InlineData("/memories%2F..%2F..%2Fmetrics")]
    [InlineData("/health/../metrics")]
    public async Task Traversal_and_encoded_slashes_never_reach_the_management_endpoints_from_a_proxy_port(string path)
    {
        var status = await SendRawAsync(_stack.Gateway.ServicePorts["mem0"], $"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", readAll: true);
        Assert.DoesNotContain("mem0_gateway_requests_total", status);
        Assert.DoesNotContain("# TYPE", status);
    }

    [Fact]
    public async Task An_unknown_host_header_is_served_by_the_port_not_the_host()
    {
        using var client = _stack.Gateway.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u");
        request.Headers.Host = "attacker.example:9999";
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_stack.Mem0.RequestsTo("GET", "/memories"));
        Assert.Empty(_stack.OpenMemory.Requests);
    }

    private static async Task<string> SendRawAsync(int port, string raw, bool readAll = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(raw));
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, cts.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            if (!readAll && text.ToString().Contains("\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return readAll ? text.ToString() : text.ToString().Split("\r\n")[0];
    }
}
