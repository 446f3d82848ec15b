using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Tests.Privacy;

/// <summary>What an operator reads in url.path and url.query instead of what the client sent.</summary>
public sealed class RequestUrlRedactorTests
{
    private readonly PersonalIdProtector _protector = new(Options.Create(new PrivacyOptions { HashKey = "test-key" }));

    private RequestUrlRedactor Redactor => new(_protector);

    [Theory]
    [InlineData("api_key=abc", "api_key=[REDACTED]")]
    [InlineData("X-Auth=abc&Password=p&access_token=t&client_secret=s", "X-Auth=[REDACTED]&Password=[REDACTED]&access_token=[REDACTED]&client_secret=[REDACTED]")]
    [InlineData("search_query=my+diagnosis&categories=health&q=x", "search_query=[REDACTED]&categories=[REDACTED]&q=[REDACTED]")]
    [InlineData("page=2&size=50&sort_column=created_at&sort_direction=desc&top_k=5", "page=2&size=50&sort_column=created_at&sort_direction=desc&top_k=5")]
    [InlineData("flag&page=1", "flag&page=1")]
    [InlineData("?", null)]
    [InlineData("", null)]
    public void Query_values_are_kept_only_for_harmless_parameters(string query, string? expected)
        => Assert.Equal(expected, Redactor.RedactQuery(query));

    [Fact]
    public void Personal_ids_in_queries_become_the_same_token_as_in_paths_whatever_the_encoding()
    {
        var token = _protector.Protect("ann lee@example.com");
        Assert.Equal($"user_id={token}&agent_id={_protector.Protect("bot")}&session_id={_protector.Protect("abc")}",
            Redactor.RedactQuery("?user_id=ann+lee%40example.com&agent_id=bot&session_id=abc"));

        var route = new ProxyRouteDescriptor("r", "openmemory", "mcp_stream", "/mcp/{client_name}/sse/{user_id}", isStreaming: true, listenerPort: 1);
        Assert.Equal($"/mcp/claude/sse/{_protector.Protect("ann lee@example.com")}", Redactor.RedactPath(route, "/mcp/claude/sse/ann lee@example.com"));
    }

    [Fact]
    public void Paths_of_routes_without_personal_segments_are_returned_as_they_are()
    {
        var route = new ProxyRouteDescriptor("r", "mem0", "get", "/memories/{memory_id}", isStreaming: false, listenerPort: 1);
        const string path = "/memories/6a3c0d52";
        Assert.Same(path, Redactor.RedactPath(route, path));
        var entities = new ProxyRouteDescriptor("e", "mem0", "delete_all", "/entities/{entity_type}/{entity_id}", isStreaming: false, listenerPort: 1);
        Assert.Equal($"/entities/user/{_protector.Protect("bob")}", Redactor.RedactPath(entities, "/entities/user/bob"));
    }
}
