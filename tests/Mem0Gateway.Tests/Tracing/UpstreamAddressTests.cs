using Mem0Gateway.Tracing;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>How a destination address from yarp.json names the upstream on a CLIENT span.</summary>
public sealed class UpstreamAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8888/", "127.0.0.1", 8888, "http://127.0.0.1:8888")]
    [InlineData("http://mem0:80/", "mem0", 80, "http://mem0")]
    [InlineData("http://openmemory-api:8765", "openmemory-api", 8765, "http://openmemory-api:8765")]
    // YARP appends the request path to the whole prefix, so its path belongs in url.full.
    [InlineData("https://mem0.example.com/api/v1/", "mem0.example.com", 443, "https://mem0.example.com/api/v1")]
    // Credentials in a destination address never reach a span.
    [InlineData("http://gateway:s3cret-pass@mem0:8000/", "mem0", 8000, "http://mem0:8000")]
    [InlineData("http://[::1]:9000/", "::1", 9000, "http://[::1]:9000")]
    public void A_destination_prefix_gives_the_server_attributes_and_the_start_of_url_full(string prefix, string host, int port, string urlStart)
    {
        var address = UpstreamAddress.Of(prefix);

        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(urlStart, address.UrlStart);
        Assert.Same(address, UpstreamAddress.Of(prefix));
    }
}
