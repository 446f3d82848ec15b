using System.Net;
using System.Net.Http.Json;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>Redirects that stay on the gateway, and a login rate limit that sees each client, not the gateway.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class LocationAndForwardingTests
{
    [Fact]
    public async Task A_Location_naming_the_dashboards_own_address_is_rewritten_to_the_gateway()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        stack.Server.NeedsSetup = true;
        using var browser = stack.Client("mem0-dashboard");
        using var root = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, root.StatusCode);
        Assert.Equal($"{stack.DashboardOrigin}/setup", root.Headers.Location!.ToString());

        stack.Server.NeedsSetup = false;
        using var page = await browser.GetAsync("/dashboard/api-keys?tab=all");
        Assert.Equal($"{stack.DashboardOrigin}/login?next=%2Fdashboard%2Fapi-keys", page.Headers.Location!.ToString());
    }

    [Fact]
    public async Task With_the_switch_off_the_Location_is_left_as_the_upstream_sent_it()
    {
        await using var stack = await Mem0Stack.StartAsync(o =>
        {
            o.ActiveHealthChecks = false;
            o.Settings["Gateway:Services:mem0-dashboard:RewriteLocation"] = "false";
        });
        using var browser = stack.Client("mem0-dashboard");
        using var page = await browser.GetAsync("/dashboard/memories");
        Assert.Equal($"http://localhost:{stack.Dashboard.Port}/login?next=%2Fdashboard%2Fmemories", page.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_relative_Location_and_one_naming_another_host_are_not_touched()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        stack.Dashboard.AbsoluteRedirects = false;
        using var browser = stack.Client("mem0-dashboard");
        using var page = await browser.GetAsync("/dashboard/memories");
        Assert.Equal("/login?next=%2Fdashboard%2Fmemories", page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task When_mem0_trusts_the_gateways_forwarded_for_one_client_cannot_lock_another_out_of_login()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        using var attacker = stack.Client("mem0", IPAddress.Parse("127.0.0.2"));
        using var user = stack.Client("mem0", IPAddress.Parse("127.0.0.3"));
        for (var i = 0; i < FakeMem0Server.LoginLimitPerMinute + 1; i++)
        {
            (await attacker.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = "guess" + i })).Dispose();
        }

        using var locked = await attacker.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = stack.Server.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        using var login = await user.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = stack.Server.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains(stack.Server.Requests, r => r.Path == "/auth/login" && r.ClientIp == "127.0.0.3");
    }

    [Fact]
    public async Task When_mem0_does_not_trust_the_gateway_every_client_shares_one_limit()
    {
        // The finding as it was: FORWARDED_ALLOW_IPS not naming the gateway.
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        stack.Server.ForwardedAllowIps.Clear();
        using var attacker = stack.Client("mem0", IPAddress.Parse("127.0.0.2"));
        using var user = stack.Client("mem0", IPAddress.Parse("127.0.0.3"));
        for (var i = 0; i < FakeMem0Server.LoginLimitPerMinute; i++)
        {
            (await attacker.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = "guess" + i })).Dispose();
        }

        using var login = await user.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = stack.Server.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, login.StatusCode);
        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("operation", "login"), ("status_code", "429")));
    }
}
