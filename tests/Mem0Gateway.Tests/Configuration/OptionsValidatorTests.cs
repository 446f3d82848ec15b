using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Auth;
using Mem0Gateway.Configuration;
using Mem0Gateway.Management;
using Mem0Gateway.Mcp;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Tests.Configuration;

/// <summary>Each validator, value by value: a bad value is refused with its full key and the value itself; good ones pass.</summary>
public sealed class OptionsValidatorTests
{
    public static TheoryData<string, Action<GatewayOptions>, string?> GatewayCases => new()
    {
        { "defaults with one service", _ => { }, null },
        { "management port 0", o => o.ManagementPort = 0, "Gateway:ManagementPort must be a port number (1-65535), got '0'." },
        { "management port 70000", o => o.ManagementPort = 70000, "Gateway:ManagementPort must be a port number (1-65535), got '70000'." },
        { "service port shared with management", o => o.Services["mem0"].Port = o.ManagementPort, "Gateway:Services:mem0:Port is already used by 'management', got '19464'." },
        { "service port negative", o => o.Services["mem0"].Port = -1, "Gateway:Services:mem0:Port must be a port number (1-65535), got '-1'." },
        { "no services", o => o.Services.Clear(), "Gateway:Services is empty: configure at least one service listener." },
        { "listen address a host name", o => o.ListenAddress = "example.org", "Gateway:ListenAddress must be an IP address to bind to (or * for every IPv4 interface), got 'example.org'." },
        { "management address IPv6 any", o => o.ManagementAddress = "[::]", null },
        { "body limit zero", o => o.Limits.MaxRequestBodySize = 0, "Gateway:Limits:MaxRequestBodySize must be at least 1, got '0'." },
        { "header limit negative", o => o.Limits.MaxRequestHeadersTotalSize = -5, "Gateway:Limits:MaxRequestHeadersTotalSize must be at least 1, got '-5'." },
        { "request line zero", o => o.Limits.MaxRequestLineSize = 0, "Gateway:Limits:MaxRequestLineSize must be at least 1, got '0'." },
        { "header timeout zero", o => o.Limits.RequestHeadersTimeout = TimeSpan.Zero, "Gateway:Limits:RequestHeadersTimeout must be longer than zero, got '00:00:00'." },
        { "keep-alive negative", o => o.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(-1), "Gateway:Limits:KeepAliveTimeout must be longer than zero, got '-00:00:01'." },
        { "min data rate negative", o => o.Limits.MinDataRateBytesPerSecond = -1, "Gateway:Limits:MinDataRateBytesPerSecond must be zero (off) or more, got '-1'." },
        { "min data rate off", o => o.Limits.MinDataRateBytesPerSecond = 0, null },
        { "drain negative", o => o.Shutdown.DrainTimeout = TimeSpan.FromSeconds(-2), "Gateway:Shutdown:DrainTimeout must not be negative, got '-00:00:02'." },
        { "drain zero", o => o.Shutdown.DrainTimeout = TimeSpan.Zero, null },
        { "known proxy not an IP", o => o.ForwardedHeaders.KnownProxies.Add("proxy.local"), "Gateway:ForwardedHeaders:KnownProxies:0 must be an IP address, got 'proxy.local'." },
        { "known network without prefix length", o => o.ForwardedHeaders.KnownNetworks.Add("10.0.0.0"), "Gateway:ForwardedHeaders:KnownNetworks:0 must be a network in CIDR form (10.0.0.0/8), got '10.0.0.0'." },
        { "known proxy and network fine", o => { o.ForwardedHeaders.KnownProxies.Add("::1"); o.ForwardedHeaders.KnownNetworks.Add("172.16.0.0/12"); }, null },
    };

    [Theory]
    [MemberData(nameof(GatewayCases))]
    public void Gateway_section(string what, Action<GatewayOptions> change, string? error)
    {
        var options = new GatewayOptions { Services = { ["mem0"] = new ServiceListenerOptions { Port = 18888 } } };
        change(options);
        AssertResult(what, new GatewayOptionsValidator().Validate(null, options), error);
    }

    public static TheoryData<string, Action<ActiveUsersOptions>, string?> ActiveUsersCases => new()
    {
        { "defaults", _ => { }, null },
        { "precision 3", o => o.Precision = 3, "Gateway:ActiveUsers:Precision must be between 4 and 18, got '3'." },
        { "precision 19", o => o.Precision = 19, "Gateway:ActiveUsers:Precision must be between 4 and 18, got '19'." },
        { "precision 4", o => o.Precision = 4, null },
        { "precision 18", o => o.Precision = 18, null },
        { "negative peek limit", o => o.MaxBodyPeekBytes = -1, "Gateway:ActiveUsers:MaxBodyPeekBytes must be at least 0, got '-1'." },
        { "peek off", o => o.MaxBodyPeekBytes = 0, null },
        { "empty body route", o => o.BodyRoutes.AddRange(["mem0-search", " "]), "Gateway:ActiveUsers:BodyRoutes:1 must not be empty, got ' '." },
        { "empty ignored route", o => o.IgnoreQueryRoutes.Add(""), "Gateway:ActiveUsers:IgnoreQueryRoutes:0 must not be empty, got ''." },
    };

    [Theory]
    [MemberData(nameof(ActiveUsersCases))]
    public void ActiveUsers_section(string what, Action<ActiveUsersOptions> change, string? error)
    {
        var options = new ActiveUsersOptions();
        change(options);
        AssertResult(what, new ActiveUsersOptionsValidator().Validate(null, options), error);
    }

    public static TheoryData<string, Action<McpOptions>, string?> McpCases => new()
    {
        { "defaults", _ => { }, null },
        { "empty client", o => o.Clients.Add(""), "Gateway:Mcp:Clients:0 must not be empty, got ''." },
        { "empty tool", o => o.Tools.AddRange(["add_memories", "\t"]), "Gateway:Mcp:Tools:1 must not be empty, got '\t'." },
        { "negative peek limit", o => o.MaxBodyPeekBytes = -10, "Gateway:Mcp:MaxBodyPeekBytes must be at least 0, got '-10'." },
        { "zero timeout", o => o.ToolCallTimeout = TimeSpan.Zero, "Gateway:Mcp:ToolCallTimeout must be longer than zero, got '00:00:00'." },
        { "no sessions tracked", o => o.MaxTrackedSessions = 0, "Gateway:Mcp:MaxTrackedSessions must be at least 1, got '0'." },
        { "negative pending calls", o => o.MaxPendingCallsPerSession = -1, "Gateway:Mcp:MaxPendingCallsPerSession must be at least 0, got '-1'." },
        { "no pending calls", o => o.MaxPendingCallsPerSession = 0, null },
    };

    [Theory]
    [MemberData(nameof(McpCases))]
    public void Mcp_section(string what, Action<McpOptions> change, string? error)
    {
        var options = new McpOptions();
        change(options);
        AssertResult(what, new McpOptionsValidator().Validate(null, options), error);
    }

    [Theory]
    [InlineData("unset", null, null)]
    [InlineData("empty, as an empty environment variable gives", "", null)]
    [InlineData("a key", "mcp-tests", null)]
    [InlineData("only spaces", "   ", "Gateway:Privacy:HashKey is only whitespace; leave it empty for a random key per process.")]
    public void Privacy_section_never_repeats_the_key(string what, string? key, string? error)
        => AssertResult(what, new PrivacyOptionsValidator().Validate(null, new PrivacyOptions { HashKey = key }), error);

    [Theory]
    [InlineData("unset", null, null)]
    [InlineData("empty, as an empty environment variable gives", "", null)]
    [InlineData("a token", "s3cr3t-t0ken", null)]
    [InlineData("with a space", "two words", "Gateway:Management:BearerToken contains whitespace, which an Authorization header cannot carry.")]
    [InlineData("with a newline", "token\n", "Gateway:Management:BearerToken contains whitespace, which an Authorization header cannot carry.")]
    public void Management_section_never_repeats_the_token(string what, string? token, string? error)
        => AssertResult(what, new ManagementOptionsValidator().Validate(null, new ManagementOptions { BearerToken = token }), error);

    [Theory]
    [InlineData("defaults", 100, "mem0_refresh_token", null)]
    [InlineData("tracking off", 0, "mem0_refresh_token", null)]
    [InlineData("negative tracked keys", -1, "mem0_refresh_token", "Gateway:Auth:MaxTrackedKeys must be at least 0, got '-1'.")]
    [InlineData("no cookie name", 100, " ", "Gateway:Auth:SessionCookie must name a cookie, got ' '.")]
    public void Auth_section(string what, int maxTrackedKeys, string cookie, string? error)
        => AssertResult(what, new AuthOptionsValidator().Validate(null, new AuthOptions { MaxTrackedKeys = maxTrackedKeys, SessionCookie = cookie }), error);

    [Theory]
    [InlineData("none", "", null)]
    [InlineData("IPv4 and IPv6", "10.0.0.7,::1", null)]
    [InlineData("padded", " 127.0.0.1 ", null)]
    [InlineData("a host name", "127.0.0.1,dashboard", "Gateway:ServerSideCalls:SourceAddresses:1 must be an IP address, got 'dashboard'.")]
    [InlineData("a network", "10.0.0.0/8", "Gateway:ServerSideCalls:SourceAddresses:0 must be an IP address, got '10.0.0.0/8'.")]
    public void ServerSideCalls_section(string what, string addresses, string? error)
        => AssertResult(what, new ServerSideCallOptionsValidator().Validate(null, new ServerSideCallOptions
        {
            SourceAddresses = addresses.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(),
        }), error);

    private static void AssertResult(string what, ValidateOptionsResult result, string? error)
    {
        if (error is null)
        {
            Assert.True(result.Succeeded, $"{what}: {result.FailureMessage}");
        }
        else
        {
            Assert.True(result.Failed, $"{what}: passed");
            Assert.Equal([error], result.Failures!);
        }
    }
}
