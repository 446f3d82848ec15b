using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Logging;

/// <summary>The gateway's stdout: ECS JSON lines, one access line per proxied request, and nothing private in any of it.</summary>
public sealed class AccessLogTests
{
    private static readonly string[] EveryLineFields = ["@timestamp", "log.level", "message", "service.name", "ecs.version", "event.dataset"];

    private static readonly string[] AccessLineFields =
    [
        "trace.id", "span.id", "event.duration", "http.request.method", "url.path", "http.response.status_code",
        "mem0.route", "mem0.operation", "mem0.service", "client.ip", "user_agent.original",
        "http.request.body.bytes", "http.response.body.bytes",
    ];

    [Fact]
    public async Task Secrets_personal_ids_and_memory_text_sent_in_headers_queries_and_bodies_appear_nowhere_in_stdout_or_spans()
    {
        const string userId = "carol-d41d8cd9-private";
        const string sessionId = "5e0c1f0a9b8d4c7e8f6a5b4c3d2e1f00";
        string[] secrets = ["SECRET-bearer-11aa", "SECRET-cookie-22bb", "SECRET-apikey-33cc", "SECRET-authtok-44dd", "SECRET-qkey-55ee",
            "SECRET-qpass-66ff", "SECRET-qtoken-77ab", "SECRET-body-88cd"];
        string[] memories = ["Carol is allergic to penicillin", "Carol moved to Lisbon in March", "Carol's therapist is Dr Brown"];

        await using var traced = await TracedStack.StartAsync(o =>
        {
            // Louder than shipped, to show that raising levels does not let request URLs into the log.
            o.Settings["Logging:LogLevel:Default"] = "Information";
            o.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Information";
            o.Settings["Logging:LogLevel:Yarp"] = "Information";
        });
        await traced.Stack.Ui.StopAsync();

        var sent = new List<(HttpResponseMessage Response, long RequestBytes, long ResponseBytes)>();
        using (var mem0 = traced.Client("mem0"))
        {
            var body = $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{memories[0]}\"}}],\"user_id\":\"{userId}\",\"api_key\":\"{secrets[7]}\"}}";
            using var add = new HttpRequestMessage(HttpMethod.Post, $"/memories?api_key={secrets[4]}&user_id={userId}")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            add.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secrets[0]);
            add.Headers.Add("Cookie", $"sid={secrets[1]}");
            add.Headers.Add("X-API-Key", secrets[2]);
            add.Headers.Add("X-Auth-Token", secrets[3]);
            add.Headers.UserAgent.ParseAdd("mem0-client/1.2");
            var response = await mem0.SendAsync(add);
            var responseBytes = (await response.Content.ReadAsByteArrayAsync()).Length;
            sent.Add((response, Encoding.UTF8.GetByteCount(body), responseBytes));
        }

        using (var openMemory = traced.Client("openmemory"))
        {
            var list = await openMemory.GetAsync($"/api/v1/memories/?user_id={userId}&search_query={Uri.EscapeDataString(memories[1])}&page=2&password={secrets[5]}");
            sent.Add((list, 0, (await list.Content.ReadAsByteArrayAsync()).Length));

            var call = $"{{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{{\"name\":\"add_memories\",\"arguments\":{{\"text\":\"{memories[2]}\"}}}}}}";
            var message = await openMemory.PostAsync($"/mcp/claude/sse/{userId}/messages/?session_id={sessionId}", new StringContent(call, Encoding.UTF8, "application/json"));
            sent.Add((message, Encoding.UTF8.GetByteCount(call), (await message.Content.ReadAsByteArrayAsync()).Length));
        }

        using (var ui = traced.Client("openmemory-ui"))
        {
            var dead = await ui.GetAsync($"/settings?token={secrets[6]}");
            Assert.Equal(HttpStatusCode.BadGateway, dead.StatusCode);
            sent.Add((dead, 0, (await dead.Content.ReadAsByteArrayAsync()).Length));
        }

        var lines = await traced.Log.WaitForAsync(l => l.Count(IsAccess) == sent.Count
            && l.Any(x => !IsAccess(x) && x["error.type"] is not null));

        // Management traffic (scrapes, health) is not proxied traffic: no access line. Lines are written in the order
        // requests end, so once the line of a request sent after the scrape is there, a line of the scrape would be too.
        await traced.Gateway.ScrapeAsync();
        using (var mem0 = traced.Client("mem0"))
        {
            (await mem0.GetAsync("/memories?page=1")).Dispose();
        }

        lines = await traced.Log.WaitForAsync(l => l.Count(IsAccess) > sent.Count);
        Assert.Equal(sent.Count + 1, lines.Count(IsAccess));
        Assert.Equal("page=1", (string?)lines.Last(IsAccess)["url.query"]);

        var output = traced.Log.Text;
        foreach (var forbidden in secrets.Concat(memories).Append(userId).Append(sessionId))
        {
            Assert.False(output.Contains(forbidden, StringComparison.Ordinal), $"'{forbidden}' is in the log output:\n{output}");
            Assert.False(output.Contains(Uri.EscapeDataString(forbidden), StringComparison.Ordinal), $"'{forbidden}' (escaped) is in the log output");
        }

        foreach (var line in lines)
        {
            foreach (var field in EveryLineFields)
            {
                Assert.True(line[field] is not null, $"{field} missing in {line.ToJsonString()}");
            }

            Assert.Equal("mem0-gateway", (string?)line["service.name"]);
            Assert.EndsWith("Z", (string?)line["@timestamp"]);
        }

        var access = lines.Where(IsAccess).ToList();
        for (var i = 0; i < sent.Count; i++)
        {
            var (response, requestBytes, responseBytes) = sent[i];
            var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
            var line = Assert.Single(access, l => (string?)l["trace.id"] == traceId);
            foreach (var field in AccessLineFields)
            {
                Assert.True(line[field] is not null, $"{field} missing in {line.ToJsonString()}");
            }

            Assert.Equal((int)response.StatusCode, (int)line["http.response.status_code"]!);
            Assert.Equal(requestBytes, (long)line["http.request.body.bytes"]!);
            Assert.Equal(responseBytes, (long)line["http.response.body.bytes"]!);
            Assert.True((long)line["event.duration"]! > 0);
            Assert.Equal("127.0.0.1", (string?)line["client.ip"]);
        }

        var addLine = access.Single(l => (string?)l["mem0.route"] == "mem0-add");
        Assert.Equal("add", (string?)addLine["mem0.operation"]);
        Assert.Equal("mem0", (string?)addLine["mem0.service"]);
        Assert.Equal("POST", (string?)addLine["http.request.method"]);
        Assert.Equal("/memories", (string?)addLine["url.path"]);
        Assert.Equal("mem0-client/1.2", (string?)addLine["user_agent.original"]);
        Assert.Equal("mem0-1", (string?)addLine["mem0.destination.id"]);
        Assert.Equal(traced.Stack.Mem0.BaseAddress.ToString(), (string?)addLine["mem0.destination.address"]);
        Assert.Equal("information", (string?)addLine["log.level"]);
        Assert.Equal("POST /memories responded 200", (string?)addLine["message"]);
        Assert.Matches("^api_key=\\[REDACTED\\]&user_id=h:[0-9a-f]{16}$", (string?)addLine["url.query"]);

        var listLine = access.Single(l => (string?)l["mem0.route"] == "openmemory-memories-list");
        Assert.Matches("^user_id=h:[0-9a-f]{16}&search_query=\\[REDACTED\\]&page=2&password=\\[REDACTED\\]$", (string?)listLine["url.query"]);
        var userToken = ((string?)listLine["url.query"])!.Split('&')[0]["user_id=".Length..];

        var mcpLine = access.Single(l => (string?)l["mem0.route"] == "openmemory-mcp-sse-messages");
        Assert.Equal($"/mcp/claude/sse/{userToken}/messages/", (string?)mcpLine["url.path"]);
        Assert.Matches("^session_id=h:[0-9a-f]{16}$", (string?)mcpLine["url.query"]);

        var deadLine = access.Single(l => (string?)l["mem0.service"] == "openmemory-ui");
        Assert.Equal("warning", (string?)deadLine["log.level"]);
        Assert.Equal("connect_refused", (string?)deadLine["mem0.upstream_error"]);

        // The forwarding failure itself is an application line in the same format, with its exception as ECS error.*.
        var failure = lines.First(l => !IsAccess(l) && l["error.type"] is not null);
        Assert.Equal("mem0_gateway.app", (string?)failure["event.dataset"]);
        Assert.NotNull(failure["log.logger"]);
        Assert.NotNull(failure["error.message"]);

        // The same requests' gateway spans hold none of it either.
        // Each request: the gateway's server span and one client span (a span is exported when it ends, just after the response).
        // (Other tests' gateways run in this process too: keep to our traces.)
        var ourTraces = sent.Select(r => r.Response.Headers.GetValues("X-Trace-Id").Single()).ToHashSet();
        List<Activity> GatewaySpans() => traced.Spans.Where(s => ourTraces.Contains(s.TraceId.ToHexString())
            && (s.Kind == ActivityKind.Client || (s.Kind == ActivityKind.Server && s.ParentSpanId == default))).ToList();
        for (var wait = 0; wait < 100 && GatewaySpans().Count < sent.Count * 2; wait++)
        {
            await Task.Delay(50);
        }

        var gatewaySpans = GatewaySpans();
        Assert.Equal(sent.Count * 2, gatewaySpans.Count);
        foreach (var span in gatewaySpans)
        {
            var text = span.DisplayName + " " + string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            foreach (var forbidden in secrets.Concat(memories).Append(userId).Append(sessionId))
            {
                Assert.False(text.Contains(forbidden, StringComparison.Ordinal), $"'{forbidden}' is in a span: {text}");
            }
        }
    }

    [Fact]
    public async Task The_access_log_level_comes_from_config_and_the_switch_turns_it_off()
    {
        await using (var warningsOnly = await TracedStack.StartAsync(o => o.Settings["Logging:LogLevel:Mem0Gateway.AccessLog"] = "Warning"))
        {
            await warningsOnly.Stack.Ui.StopAsync();
            using var mem0 = warningsOnly.Client("mem0");
            using var ok = await mem0.GetAsync("/memories?user_id=x");
            using var ui = warningsOnly.Client("openmemory-ui");
            using var failed = await ui.GetAsync("/");
            // A later failure marks the log as written past both: the log writer keeps the order requests ended in.
            using var marker = await ui.GetAsync("/marker");
            await warningsOnly.Log.WaitForAsync(l => l.Any(x => IsAccess(x) && (string?)x["url.path"] == "/marker"));
            var access = warningsOnly.Log.Objects.Where(IsAccess).ToList();
            Assert.Equal(2, access.Count);
            Assert.All(access, line => Assert.Equal(502, (int)line["http.response.status_code"]!));
        }

        await using var off = await TracedStack.StartAsync(o => o.Settings["Gateway:AccessLog:Enabled"] = "false");
        await off.Stack.Ui.StopAsync();
        string markerTrace;
        using (var mem0 = off.Client("mem0"))
        using (var ui = off.Client("openmemory-ui"))
        {
            using var ok = await mem0.GetAsync("/memories?user_id=x");
            using var failed = await ui.GetAsync("/");
            using var marker = await ui.GetAsync("/marker");
            markerTrace = marker.Headers.GetValues("X-Trace-Id").Single();
        }

        // The last request's forwarding failure, an application line, shows the log is written past the others; no
        // access line came with them.
        await off.Log.WaitForAsync(l => l.Any(x => x["error.type"] is not null && (string?)x["trace.id"] == markerTrace));
        Assert.DoesNotContain(off.Log.Objects, IsAccess);
    }

    private static bool IsAccess(JsonObject line) => (string?)line["event.dataset"] == "mem0_gateway.access";
}
