using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>The dashboard's server-side calls are marked; passwords, keys, JWTs and cookies are never reported.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class ServerSideCallAndSecretTests
{
    [Fact]
    public async Task The_dashboards_server_side_calls_are_marked_in_the_access_log_and_spans_and_browser_calls_are_not()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        using var browser = stack.Client("mem0-dashboard");
        (await browser.GetAsync("/login")).Dispose(); // the middleware asks /auth/setup-status server-side
        using var api = stack.Client("mem0");
        using var fromBrowser = new HttpRequestMessage(HttpMethod.Get, "/auth/setup-status") { Headers = { { "Origin", stack.DashboardOrigin } } };
        fromBrowser.Headers.UserAgent.Clear();
        fromBrowser.Headers.UserAgent.ParseAdd("node"); // even a browser-ish client naming itself node is not marked with an Origin
        (await api.SendAsync(fromBrowser)).Dispose();

        await Poll.UntilAsync(() => Task.FromResult(SetupStatusLines(stack).Count == 2), TimeSpan.FromSeconds(10), "two access-log lines for setup-status");
        var lines = SetupStatusLines(stack);
        Assert.Single(lines, l => (string?)l["mem0.caller"] == "ui_server" && (string?)l["user_agent.original"] == "node");
        Assert.Single(lines, l => l["mem0.caller"] is null);

        await Poll.UntilAsync(() => Task.FromResult(SetupStatusSpans(stack).Count == 2), TimeSpan.FromSeconds(10), "two server spans for setup-status");
        var spans = SetupStatusSpans(stack);
        Assert.Single(spans, s => (string?)s.GetTagItem("mem0.caller") == "ui_server");
        Assert.Single(spans, s => s.GetTagItem("mem0.caller") is null);
    }

    [Fact]
    public async Task Passwords_api_keys_jwts_and_cookies_never_appear_in_logs_metrics_or_spans()
    {
        await using var stack = await Mem0Stack.StartAsync(o =>
        {
            o.ActiveHealthChecks = false;
            o.Settings["Logging:LogLevel:Default"] = "Debug";
        });
        var key = stack.Server.CreateApiKey();
        using var api = stack.Client("mem0");
        (await api.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = "a-wrong-password-123" })).Dispose();
        using var login = await api.PostAsJsonAsync("/auth/login", new { email = stack.Server.AdminEmail, password = stack.Server.AdminPassword });
        var tokens = JsonNode.Parse(await login.Content.ReadAsStringAsync())!;
        var jwt = (string)tokens["access_token"]!;
        var refresh = (string)tokens["refresh_token"]!;
        using var me = new HttpRequestMessage(HttpMethod.Get, "/auth/me") { Headers = { { "Authorization", "Bearer " + jwt } } };
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(me)).StatusCode);
        using var memories = await AuthOperationTests.SendWithKeyAsync(api, HttpMethod.Post, "/memories", key);
        var wrongKey = FakeMem0Server.RandomApiKey();
        (await AuthOperationTests.SendWithKeyAsync(api, HttpMethod.Get, "/memories", wrongKey)).Dispose();
        using var browser = stack.Client("mem0-dashboard");
        using var refreshCall = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh") { Headers = { { "Cookie", FakeMem0Dashboard.SessionCookie + "=" + refresh } } };
        using var refreshed = await browser.SendAsync(refreshCall);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var newCookie = refreshed.Headers.GetValues("Set-Cookie").Single().Split(';')[0].Split('=', 2)[1];

        await Poll.UntilAsync(() => Task.FromResult(stack.Log.AccessLines.Count >= 7), TimeSpan.FromSeconds(10), "every access-log line");
        var reported = await stack.EverythingReportedAsync();
        Assert.Contains(key[..12], reported); // the public prefix is the whole point of the per-key series
        foreach (var secret in new[] { stack.Server.AdminPassword, "a-wrong-password-123", key, key[12..], wrongKey, wrongKey[..12], jwt, jwt.Split('.')[2], refresh, newCookie })
        {
            Assert.DoesNotContain(secret, reported);
        }
    }

    private static List<JsonObject> SetupStatusLines(Mem0Stack stack)
        => stack.Log.AccessLines.Where(l => (string?)l["url.path"] == "/auth/setup-status").ToList();

    private static List<System.Diagnostics.Activity> SetupStatusSpans(Mem0Stack stack)
        => stack.Spans.Where(s => s.Kind == System.Diagnostics.ActivityKind.Server && (string?)s.GetTagItem("mem0.route") == "mem0-auth-setup-status").ToList();
}
