using Mem0Gateway.Testing;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Tests.Configuration;

/// <summary>A bad setting stops the real gateway at start, with an error that names the key and the value.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Gateway:Mcp:ToolCallTimeout", "-00:00:05", "Gateway:Mcp:ToolCallTimeout must be longer than zero, got '-00:00:05'.")]
    [InlineData("Gateway:ActiveUsers:Precision", "30", "Gateway:ActiveUsers:Precision must be between 4 and 18, got '30'.")]
    [InlineData("Gateway:Limits:MaxRequestLineSize", "0", "Gateway:Limits:MaxRequestLineSize must be at least 1, got '0'.")]
    [InlineData("Gateway:Management:BearerToken", "has space", "Gateway:Management:BearerToken contains whitespace, which an Authorization header cannot carry.")]
    public async Task The_gateway_refuses_to_start(string key, string value, string error)
    {
        var options = new GatewayInstanceOptions();
        options.Settings[key] = value;
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayInstance.StartAsync(options));
        Assert.Contains(error, failure.Failures);
    }
}
