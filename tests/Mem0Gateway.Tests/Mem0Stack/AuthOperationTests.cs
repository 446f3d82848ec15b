using System.Net;
using System.Net.Http.Json;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>mem0's /auth/* calls as operations of their own, the auth-method counts and the per-API-key series.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class AuthOperationTests
{
    [Fact]
    public async Task Failed_and_rate_limited_logins_are_counted_under_login_apart_from_refresh_and_me()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        using var api = stack.Client("mem0");
        for (var i = 0; i < FakeMem0Server.LoginLimitPerMinute + 2; i++)
        {
            (await api.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = "wrong" })).Dispose();
        }

        (await api.GetAsync("/auth/me")).Dispose();
        (await api.PostAsJsonAsync("/auth/refresh", new { refresh_token = "stale" })).Dispose();
        (await api.GetAsync("/auth/setup-status")).Dispose();

        var metrics = await stack.Gateway.ScrapeAsync();
        double Count(string operation, string status)
            => metrics.Sum("mem0_gateway_requests_total", ("service", "mem0"), ("operation", operation), ("status_code", status));
        Assert.Equal(FakeMem0Server.LoginLimitPerMinute, Count("login", "401"));
        Assert.Equal(2, Count("login", "429"));
        Assert.Equal(1, Count("me", "401"));
        Assert.Equal(1, Count("refresh", "401"));
        Assert.Equal(1, Count("setup_status", "200"));
        Assert.Empty(metrics.Series("mem0_gateway_requests_total", ("operation", "auth")));
        // A 401/429 is the client's answer from a healthy server: never an upstream error.
        Assert.Empty(metrics.Series("mem0_gateway_upstream_errors_total", ("service", "mem0")));
    }

    [Fact]
    public async Task Requests_are_counted_by_auth_method()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        var key = stack.Server.CreateApiKey();
        using var api = stack.Client("mem0");
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/memories") { Headers = { { "X-API-Key", key } } };
        (await api.SendAsync(withKey)).Dispose();
        using var withBearer = new HttpRequestMessage(HttpMethod.Get, "/auth/me") { Headers = { { "Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig" } } };
        (await api.SendAsync(withBearer)).Dispose();
        (await api.GetAsync("/auth/setup-status")).Dispose();
        using var dashboard = stack.Client("mem0-dashboard");
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/dashboard/memories") { Headers = { { "Cookie", "theme=dark; mem0_refresh_token=abc" } } };
        (await dashboard.SendAsync(withCookie)).Dispose();

        var metrics = await stack.Gateway.ScrapeAsync();
        // The dashboard page calls nothing server-side, so each request is counted once, on its own service.
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_by_auth_method_total", ("service", "mem0"), ("auth_method", "api_key")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_by_auth_method_total", ("service", "mem0"), ("auth_method", "bearer")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_by_auth_method_total", ("service", "mem0"), ("auth_method", "none")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_by_auth_method_total", ("service", "mem0-dashboard"), ("auth_method", "cookie")));
    }

    [Fact]
    public async Task Accepted_keys_are_counted_under_their_12_character_prefix_and_random_keys_create_no_series()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        var key = stack.Server.CreateApiKey();
        using var api = stack.Client("mem0");
        for (var i = 0; i < 3; i++)
        {
            (await SendWithKeyAsync(api, HttpMethod.Get, "/memories", key)).Dispose();
        }

        for (var i = 0; i < 50; i++)
        {
            using var rejected = await SendWithKeyAsync(api, HttpMethod.Get, "/memories", FakeMem0Server.RandomApiKey());
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        var metrics = await stack.Gateway.ScrapeAsync();
        var series = metrics.Series("mem0_gateway_api_key_requests_total").ToList();
        var only = Assert.Single(series);
        Assert.Equal(key[..12], only.Label("key"));
        Assert.Equal("2xx", only.Label("status_class"));
        Assert.Equal(3, only.Value);
        Assert.DoesNotContain(key[12..], metrics.Text);
    }

    [Fact]
    public async Task Key_labels_are_bounded_with_the_rest_as_other()
    {
        await using var stack = await Mem0Stack.StartAsync(o =>
        {
            o.ActiveHealthChecks = false;
            o.Settings["Gateway:Auth:MaxTrackedKeys"] = "2";
        });
        var keys = Enumerable.Range(0, 5).Select(_ => stack.Server.CreateApiKey()).ToList();
        using var api = stack.Client("mem0");
        foreach (var key in keys)
        {
            (await SendWithKeyAsync(api, HttpMethod.Get, "/memories", key)).Dispose();
        }

        var labels = (await stack.Gateway.ScrapeAsync()).Series("mem0_gateway_api_key_requests_total").ToDictionary(s => s.Label("key"), s => s.Value);
        Assert.Equal(3, labels.Count);
        Assert.Equal(1, labels[keys[0][..12]]);
        Assert.Equal(1, labels[keys[1][..12]]);
        Assert.Equal(3, labels["other"]);
    }

    [Fact]
    public async Task The_protect_switch_labels_keys_with_a_keyed_token_instead_of_the_prefix()
    {
        await using var stack = await Mem0Stack.StartAsync(o =>
        {
            o.ActiveHealthChecks = false;
            o.Settings["Gateway:Auth:ProtectKeyPrefixes"] = "true";
        });
        var key = stack.Server.CreateApiKey();
        using var api = stack.Client("mem0");
        (await SendWithKeyAsync(api, HttpMethod.Get, "/memories", key)).Dispose();
        (await SendWithKeyAsync(api, HttpMethod.Get, "/memories", key)).Dispose();

        var metrics = await stack.Gateway.ScrapeAsync();
        var only = Assert.Single(metrics.Series("mem0_gateway_api_key_requests_total"));
        Assert.Matches("^h:[0-9a-f]{16}$", only.Label("key"));
        Assert.Equal(2, only.Value);
        Assert.DoesNotContain(key[..12], metrics.Text);
    }

    internal static Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", key);
        return client.SendAsync(request);
    }
}
