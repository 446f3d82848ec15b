using System.Net;
using System.Text;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>Every mem0 and OpenMemory operation reaches its upstream unchanged and is counted under its operation.</summary>
public sealed class OperationRoutingTests : IAsyncLifetime
{
    private GatewayWithUpstreams _stack = null!;

    public async Task InitializeAsync() => _stack = await GatewayWithUpstreams.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    public static TheoryData<string, string, string, string?, string, string> Operations => new()
    {
        // service, method, path and query, JSON body, expected route, expected operation
        { "mem0", "POST", "/memories", """{"messages":[{"role":"user","content":"I like tea"}],"user_id":"alice"}""", "mem0-add", "add" },
        { "mem0", "GET", "/memories?user_id=alice", null, "mem0-get-all", "get_all" },
        { "mem0", "DELETE", "/memories?user_id=alice", null, "mem0-delete-all", "delete_all" },
        { "mem0", "GET", "/memories/6f1c2a4e-8d1b-4c3e-9f7a-2b5d8e0c1a93", null, "mem0-get", "get" },
        { "mem0", "PUT", "/memories/6f1c2a4e-8d1b-4c3e-9f7a-2b5d8e0c1a93", """{"text":"likes green tea"}""", "mem0-update", "update" },
        { "mem0", "DELETE", "/memories/6f1c2a4e-8d1b-4c3e-9f7a-2b5d8e0c1a93", null, "mem0-delete", "delete" },
        { "mem0", "GET", "/memories/6f1c2a4e-8d1b-4c3e-9f7a-2b5d8e0c1a93/history", null, "mem0-history", "history" },
        { "mem0", "POST", "/search", """{"query":"tea?","user_id":"alice"}""", "mem0-search", "search" },
        { "mem0", "POST", "/reset", null, "mem0-reset", "reset" },
        { "mem0", "POST", "/configure", """{"llm":{"provider":"openai"}}""", "mem0-configure", "configure" },
        { "mem0", "GET", "/openapi.json", null, "mem0-openapi", "docs" },
        { "mem0", "GET", "/docs", null, "mem0-docs", "docs" },
        { "mem0", "GET", "/", null, "mem0-docs-root", "docs" },
        { "mem0", "POST", "/v1/memories/", """{"messages":[]}""", "mem0-platform-v1", "unsupported_platform_path" },
        { "mem0", "GET", "/some/new/endpoint", null, "mem0-other", "other" },
        { "mem0", "POST", "/auth/login", """{"email":"a@example.com","password":"pw"}""", "mem0-auth-login", "login" },
        { "mem0", "POST", "/auth/register", """{"email":"a@example.com","password":"pw"}""", "mem0-auth-register", "register" },
        { "mem0", "POST", "/auth/refresh", """{"refresh_token":"t"}""", "mem0-auth-refresh", "refresh" },
        { "mem0", "GET", "/auth/me", null, "mem0-auth-me", "me" },
        { "mem0", "PATCH", "/auth/me", """{"name":"A"}""", "mem0-auth-me-update", "me_update" },
        { "mem0", "POST", "/auth/change-password", """{"old":"a","new":"b"}""", "mem0-auth-change-password", "change_password" },
        { "mem0", "GET", "/auth/setup-status", null, "mem0-auth-setup-status", "setup_status" },
        { "mem0", "POST", "/auth/onboarding-complete", null, "mem0-auth-onboarding-complete", "onboarding_complete" },
        { "mem0", "GET", "/auth/something-new", null, "mem0-auth-other", "auth_other" },
        { "mem0", "GET", "/api-keys", null, "mem0-api-keys-list", "api_keys_list" },
        { "mem0", "POST", "/api-keys", """{"name":"ci"}""", "mem0-api-keys-create", "api_keys_create" },
        { "mem0", "DELETE", "/api-keys/3", null, "mem0-api-keys-delete", "api_keys_delete" },
        { "mem0", "GET", "/requests", null, "mem0-requests", "requests" },
        { "mem0", "GET", "/entities", null, "mem0-entities", "entities" },
        { "mem0", "DELETE", "/entities/user/alice", null, "mem0-entities-delete", "entities_delete" },
        { "openmemory", "GET", "/api/v1/memories/?user_id=alice&page=1", null, "openmemory-memories-list", "list" },
        { "openmemory", "POST", "/api/v1/memories/", """{"user_id":"alice","text":"dark mode"}""", "openmemory-memories-add", "add" },
        { "openmemory", "POST", "/api/v1/memories/filter", """{"user_id":"alice","page":1}""", "openmemory-memories-filter", "filter" },
        { "openmemory", "GET", "/api/v1/memories/6f1c2a4e-8d1b-4c3e-9f7a-2b5d8e0c1a93/access-log", null, "openmemory-memory-access-log", "access_log" },
        { "openmemory", "GET", "/api/v1/apps/?page=1&page_size=1", null, "openmemory-apps-list", "apps_list" },
        { "openmemory", "PUT", "/api/v1/config/mem0/llm", """{"provider":"openai"}""", "openmemory-config-put", "config_put" },
        { "openmemory", "POST", "/mcp/messages/?session_id=0123456789abcdef0123456789abcdef", """{"jsonrpc":"2.0","method":"ping","id":1}""", "openmemory-mcp-messages", "mcp_message" },
        { "openmemory", "POST", "/mcp/cursor/http/alice", """{"jsonrpc":"2.0","method":"tools/list","id":2}""", "openmemory-mcp-http", "mcp_http" },
        { "openmemory-ui", "GET", "/memories", null, "openmemory-ui-all", "ui" },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Each_operation_reaches_its_upstream_unchanged_and_is_counted_exactly(
        string service, string method, string pathAndQuery, string? body, string route, string operation)
    {
        const int times = 3;
        var upstream = service switch { "mem0" => _stack.Mem0, "openmemory" => _stack.OpenMemory, _ => _stack.Ui };
        using var client = _stack.Gateway.Client(service);
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{method} {pathAndQuery} answered {(int)response.StatusCode}");
        }

        var path = pathAndQuery.Split('?')[0];
        var query = pathAndQuery.Contains('?') ? pathAndQuery[pathAndQuery.IndexOf('?')..] : "";
        var received = upstream.RequestsTo(method, path).ToList();
        Assert.Equal(times, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal(query, r.QueryString);
            Assert.Equal(body ?? "", r.BodyText);
        });

        var metrics = await _stack.Gateway.ScrapeAsync();
        var labels = new[] { ("service", service), ("route", route), ("operation", operation), ("method", method) };
        Assert.Equal(times, metrics.Sum("mem0_gateway_requests_total", labels));
        Assert.Equal(times, metrics.Sum("mem0_gateway_request_duration_seconds_count", labels));
        // Nothing else was counted: the operation came from this route alone.
        Assert.Equal(times, metrics.Sum("mem0_gateway_requests_total"));
    }

    [Fact]
    public async Task A_method_the_route_does_not_declare_falls_to_the_services_catch_all()
    {
        using var client = _stack.Gateway.Client("mem0");
        using var response = await client.GetAsync("/search");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // the upstream's own 404: it was forwarded
        Assert.Single(_stack.Mem0.RequestsTo("GET", "/search"));
        var metrics = await _stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-other"), ("operation", "other"), ("status_code", "404")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_requests_total", ("route", "mem0-search")));
    }
}
