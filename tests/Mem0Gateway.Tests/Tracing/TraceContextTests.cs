using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>W3C trace context from the client, through the gateway's SERVER and CLIENT spans, to the upstream and back.</summary>
public sealed class TraceContextTests : IAsyncLifetime
{
    private TracedStack _traced = null!;

    public async Task InitializeAsync() => _traced = await TracedStack.StartAsync();

    public async Task DisposeAsync() => await _traced.DisposeAsync();

    [Fact]
    public async Task The_upstream_traceparent_has_the_gateway_client_span_as_parent_and_the_trace_id_the_client_and_access_log_see()
    {
        using var client = _traced.Client("mem0");
        using var response = await client.PostAsJsonAsync("/search", new { query = "tea", user_id = "u1" });
        Assert.Equal(200, (int)response.StatusCode);

        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        var upstreamTraceparent = Assert.Single(_traced.Stack.Mem0.RequestsTo("POST", "/search")).Header("traceparent");
        Assert.NotNull(upstreamTraceparent);
        var parts = upstreamTraceparent.Split('-');
        Assert.Equal(["00", traceId], parts[..2]);
        Assert.Equal("01", parts[3]);

        // Gateway SERVER -> gateway CLIENT -> the upstream (which heard the CLIENT span as its parent), and nothing in
        // between (no proxy.forwarder span). The fake upstream's own span, in this process, is not the gateway's to export.
        var spans = await _traced.WaitForSpansAsync(traceId, s => s.Count >= 2);
        var clientSpan = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal(parts[2], clientSpan.SpanId.ToHexString());
        var gatewayServer = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.ParentSpanId == default);
        Assert.Equal(gatewayServer.SpanId, clientSpan.ParentSpanId);
        Assert.Equal(2, spans.Count);
        Assert.Equal("POST", gatewayServer.GetTagItem("http.request.method"));
        Assert.Equal("/search", gatewayServer.GetTagItem("url.path"));
        Assert.Equal("http", gatewayServer.GetTagItem("url.scheme"));
        Assert.Equal(_traced.Gateway.ServicePorts["mem0"], gatewayServer.GetTagItem("server.port"));
        Assert.Equal("1.1", gatewayServer.GetTagItem("network.protocol.version"));
        Assert.Equal("mem0gw-tests/1.0", gatewayServer.GetTagItem("user_agent.original"));
        Assert.Equal(200, clientSpan.GetTagItem("http.response.status_code"));
        // The HTTP client conventions, naming the upstream the gateway called.
        var upstreamUri = _traced.Stack.Mem0.BaseAddress;
        Assert.Equal("POST", clientSpan.DisplayName);
        Assert.Equal("POST", clientSpan.GetTagItem("http.request.method"));
        Assert.Equal(upstreamUri.Host, clientSpan.GetTagItem("server.address"));
        Assert.Equal(upstreamUri.Port, clientSpan.GetTagItem("server.port"));
        Assert.Equal($"http://{upstreamUri.Authority}/search", clientSpan.GetTagItem("url.full"));
        Assert.Equal("1.1", clientSpan.GetTagItem("network.protocol.version"));
        Assert.Equal(ActivityStatusCode.Unset, clientSpan.Status);
        Assert.True(clientSpan.StartTimeUtc >= gatewayServer.StartTimeUtc && clientSpan.Duration <= gatewayServer.Duration, "the CLIENT span lies within the SERVER span");

        Assert.Equal("POST /search", gatewayServer.DisplayName);
        Assert.Equal("/search", gatewayServer.GetTagItem("http.route"));
        Assert.Equal("search", gatewayServer.GetTagItem("mem0.operation"));
        Assert.Equal("mem0", gatewayServer.GetTagItem("mem0.service"));
        Assert.Equal("mem0-search", gatewayServer.GetTagItem("mem0.route"));
        Assert.Equal(200, gatewayServer.GetTagItem("http.response.status_code"));
        Assert.Equal($"00-{traceId}-{gatewayServer.SpanId.ToHexString()}-01", Assert.Single(response.Headers.GetValues("traceresponse")));

        var accessLine = (await _traced.Log.WaitForAsync(lines => lines.Any(l => (string?)l["trace.id"] == traceId && (string?)l["event.dataset"] == "mem0_gateway.access")))
            .Single(l => (string?)l["trace.id"] == traceId && (string?)l["event.dataset"] == "mem0_gateway.access");
        Assert.Equal(gatewayServer.SpanId.ToHexString(), (string?)accessLine["span.id"]);
    }

    [Fact]
    public async Task An_upstream_4xx_marks_the_client_span_failed_but_not_the_server_span()
    {
        // A routed path the stand-in upstream does not serve: the 404 is the upstream's, not the gateway's.
        using var client = _traced.Client("mem0");
        using var response = await client.PostAsJsonAsync("/auth/register", new { email = "a@example.com", password = "pw-123456" });
        Assert.Equal(404, (int)response.StatusCode);

        var (server, clientSpan) = await ServerAndClientSpansAsync(response);
        Assert.Equal(404, clientSpan.GetTagItem("http.response.status_code"));
        Assert.Equal("404", clientSpan.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, clientSpan.Status);
        // The client's request was refused: by the HTTP server conventions, not the gateway's error.
        Assert.Equal(404, server.GetTagItem("http.response.status_code"));
        Assert.Equal("mem0-auth-register", server.GetTagItem("mem0.route"));
        Assert.Equal(ActivityStatusCode.Unset, server.Status);
    }

    [Fact]
    public async Task A_call_the_upstream_never_answers_ends_its_client_span_with_the_error()
    {
        await _traced.Stack.Mem0.StopAsync();
        using var client = _traced.Client("mem0");
        using var response = await client.GetAsync("/memories?user_id=u1");
        Assert.Equal(502, (int)response.StatusCode);

        var (server, clientSpan) = await ServerAndClientSpansAsync(response);
        Assert.Equal(server.SpanId, clientSpan.ParentSpanId);
        Assert.Equal("connect_refused", clientSpan.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, clientSpan.Status);
        Assert.Null(clientSpan.GetTagItem("http.response.status_code"));
        Assert.Equal("connect_refused", server.GetTagItem("error.type"));
        Assert.Equal(502, server.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task An_incoming_sampled_trace_is_continued_not_replaced()
    {
        var callerTrace = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();
        using var client = _traced.Client("openmemory");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/apps/");
        request.Headers.Add("traceparent", $"00-{callerTrace}-{callerSpan}-01");
        using var response = await client.SendAsync(request);

        Assert.Equal(callerTrace, Assert.Single(response.Headers.GetValues("X-Trace-Id")));
        var upstream = Assert.Single(_traced.Stack.OpenMemory.RequestsTo("GET", "/api/v1/apps/")).Header("traceparent")!.Split('-');
        Assert.Equal(callerTrace, upstream[1]);
        Assert.NotEqual(callerSpan, upstream[2]);
        Assert.Equal("01", upstream[3]);

        var spans = await _traced.WaitForSpansAsync(callerTrace, s => s.Any(x => x.Kind == ActivityKind.Server && x.ParentSpanId.ToHexString() == callerSpan));
        var server = spans.Single(x => x.Kind == ActivityKind.Server && x.ParentSpanId.ToHexString() == callerSpan);
        Assert.Equal("GET /api/v1/apps/", server.DisplayName);
    }

    [Fact]
    public async Task An_unsampled_incoming_trace_stays_unsampled_upstream_and_records_nothing()
    {
        var callerTrace = ActivityTraceId.CreateRandom().ToHexString();
        using var client = _traced.Client("mem0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/memories?user_id=u2");
        request.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-00");
        using var response = await client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);

        var upstream = Assert.Single(_traced.Stack.Mem0.RequestsTo("GET", "/memories")).Header("traceparent")!.Split('-');
        Assert.Equal(callerTrace, upstream[1]);
        Assert.Equal("00", upstream[3]);
        Assert.EndsWith("-00", Assert.Single(response.Headers.GetValues("traceresponse")));

        // The access log still carries the trace id (it is the correlation key), but no span was recorded.
        await _traced.Log.WaitForAsync(lines => lines.Any(l => (string?)l["trace.id"] == callerTrace));
        Assert.Empty(_traced.SpansOf(callerTrace));
    }

    [Fact]
    public async Task Personal_ids_and_secrets_in_paths_and_queries_stay_out_of_span_attributes()
    {
        const string userId = "alice-7f3e2c1d-private";
        const string secret = "sk-live-SECRET-0c9a1b";
        using var client = _traced.Client("mem0");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/entities/user/{userId}?api_key={secret}");
        delete.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        using var deleted = await client.SendAsync(delete);
        var deleteTrace = Assert.Single(deleted.Headers.GetValues("X-Trace-Id"));
        using var listed = await client.GetAsync($"/memories?user_id={userId}&token={secret}");
        var listTrace = Assert.Single(listed.Headers.GetValues("X-Trace-Id"));

        var deleteSpans = await _traced.WaitForSpansAsync(deleteTrace, s => s.Any(x => x.Kind == ActivityKind.Server) && s.Any(x => x.Kind == ActivityKind.Client));
        var listSpans = await _traced.WaitForSpansAsync(listTrace, s => s.Any(x => x.Kind == ActivityKind.Server) && s.Any(x => x.Kind == ActivityKind.Client));
        var gatewaySpans = deleteSpans.Concat(listSpans).ToList();
        Assert.Equal(4, gatewaySpans.Count);
        foreach (var span in gatewaySpans)
        {
            Assert.DoesNotContain(userId, span.DisplayName);
            foreach (var tag in span.TagObjects)
            {
                var value = tag.Value?.ToString() ?? string.Empty;
                Assert.False(value.Contains(userId, StringComparison.Ordinal), $"{span.Kind} span tag {tag.Key} = {value}");
                Assert.False(value.Contains(secret, StringComparison.Ordinal), $"{span.Kind} span tag {tag.Key} = {value}");
            }
        }

        var deleteServer = deleteSpans.Single(s => s.Kind == ActivityKind.Server && s.ParentSpanId == default);
        Assert.Equal("/entities/{entity_type}/{entity_id}", deleteServer.GetTagItem("http.route"));
        Assert.Matches("^/entities/user/h:[0-9a-f]{16}$", (string)deleteServer.GetTagItem("url.path")!);
        var deleteClient = deleteSpans.Single(s => s.Kind == ActivityKind.Client);
        Assert.Contains("/entities/user/h:", (string)deleteClient.GetTagItem("url.full")!);
        Assert.Equal("api_key=[REDACTED]", deleteServer.GetTagItem("url.query"));
        // The user id in the query becomes the same token the access log writes; the secret is gone.
        var listServer = listSpans.Single(s => s.Kind == ActivityKind.Server);
        Assert.Matches("^user_id=h:[0-9a-f]{16}&token=\\[REDACTED\\]$", (string)listServer.GetTagItem("url.query")!);
    }

    /// <summary>The gateway's SERVER span of a response's trace and the CLIENT span under it.</summary>
    private async Task<(Activity Server, Activity Client)> ServerAndClientSpansAsync(HttpResponseMessage response)
    {
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        var spans = await _traced.WaitForSpansAsync(traceId, s => s.Any(x => x.Kind == ActivityKind.Server) && s.Any(x => x.Kind == ActivityKind.Client));
        return (Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.ParentSpanId == default), Assert.Single(spans, s => s.Kind == ActivityKind.Client));
    }
}
