using System.Net;
using Mem0Gateway.Configuration;

namespace Mem0Gateway.Tests.Configuration;

public sealed class ListenerAddressTests
{
    [Theory]
    [InlineData("", "0.0.0.0")]
    [InlineData("*", "0.0.0.0")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData(" 0.0.0.0 ", "0.0.0.0")]
    [InlineData("::", "::")]
    [InlineData("[::]", "::")]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("[::1]", "::1")]
    [InlineData("fe80::1", "fe80::1")]
    public void Parses_what_a_bind_address_may_say(string value, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), ListenerAddress.Parse(value));
        Assert.True(ListenerAddress.TryParse(value, out var address));
        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("localhost:8080")]
    [InlineData("256.0.0.1")]
    [InlineData("10.0.0.0/8")]
    public void Refuses_anything_else_naming_the_value(string value)
    {
        Assert.False(ListenerAddress.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => ListenerAddress.Parse(value));
        Assert.Contains($"'{value}'", error.Message);
    }

    [Fact]
    public void Null_is_not_an_address() => Assert.False(ListenerAddress.TryParse(null, out _));
}
