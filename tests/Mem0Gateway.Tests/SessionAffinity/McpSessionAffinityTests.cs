using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.SessionAffinity;
using Mem0Gateway.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Mem0Gateway.Tests.SessionAffinity;

/// <summary>
/// MCP sessions live in one upstream's memory. With two destinations and two gateway replicas, every request of a
/// session must still reach the destination that holds it, with nothing shared between the replicas but the key.
/// </summary>
public sealed class McpSessionAffinityTests
{
    private const string SharedKey = "replicas-share-this-key";

    private static GatewayInstanceOptions Options(SdkMcpServer first, SdkMcpServer second, Action<JsonObject>? edit = null)
    {
        var options = new GatewayInstanceOptions { ActiveHealthChecks = false, EditConfig = edit };
        options.Destinations["openmemory"] = [first.BaseAddress, second.BaseAddress];
        options.Settings["Gateway:Privacy:HashKey"] = SharedKey;
        return options;
    }

    private static async Task<List<string>> CallToolsAsync(McpClient client, int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var result = await client.CallToolAsync("search_memory", new Dictionary<string, object?> { ["query"] = $"q{i}" });
            answers.Add(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        }

        return answers;
    }

    [Theory]
    [InlineData(HttpTransportMode.StreamableHttp, "")]
    [InlineData(HttpTransportMode.Sse, "/sse")]
    public async Task A_session_spread_over_two_gateway_replicas_always_reaches_the_destination_that_holds_it(HttpTransportMode mode, string endpoint)
    {
        await using var alpha = await SdkMcpServer.StartAsync("alpha");
        await using var beta = await SdkMcpServer.StartAsync("beta");
        // Round robin: without affinity every other request of a session would go to the other destination.
        static void RoundRobin(JsonObject config) => config["ReverseProxy"]!["Clusters"]!["openmemory"]!["LoadBalancingPolicy"] = "RoundRobin";
        await using var gatewayA = await GatewayInstance.StartAsync(Options(alpha, beta, RoundRobin));
        await using var gatewayB = await GatewayInstance.StartAsync(Options(alpha, beta, RoundRobin));
        var spread = new SpreadingHandler(gatewayA.ServicePorts["openmemory"], gatewayB.ServicePorts["openmemory"]);
        using var http = new HttpClient(spread);

        for (var session = 0; session < 4; session++)
        {
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(gatewayA.ServiceAddress("openmemory"), SdkMcpServer.Path + endpoint),
                TransportMode = mode,
            }, http);
            await using var client = await McpClient.CreateAsync(transport);
            var answers = await CallToolsAsync(client, 10);
            var holder = answers[0].Split(':')[0];
            Assert.All(answers, a => Assert.StartsWith(holder + ": q", a));
        }

        Assert.Equal(0, alpha.NotFound + beta.NotFound);
        Assert.Equal(2, spread.PortsUsed.Distinct().Count());
        // Upstreams only ever saw the ids they issued: no hint in a header or a query.
        Assert.All(alpha.Requests.Concat(beta.Requests), r =>
        {
            Assert.DoesNotContain("~", r.SessionHeader ?? string.Empty);
            Assert.DoesNotContain("~", r.Target);
        });
    }

    [Fact]
    public async Task Without_affinity_the_same_spread_session_hits_session_not_found()
    {
        await using var alpha = await SdkMcpServer.StartAsync("alpha");
        await using var beta = await SdkMcpServer.StartAsync("beta");
        static void NoAffinity(JsonObject config)
        {
            var cluster = config["ReverseProxy"]!["Clusters"]!["openmemory"]!.AsObject();
            cluster.Remove("SessionAffinity");
            cluster["LoadBalancingPolicy"] = "RoundRobin";
        }

        await using var gatewayA = await GatewayInstance.StartAsync(Options(alpha, beta, NoAffinity));
        await using var gatewayB = await GatewayInstance.StartAsync(Options(alpha, beta, NoAffinity));
        using var http = new HttpClient(new SpreadingHandler(gatewayA.ServicePorts["openmemory"], gatewayB.ServicePorts["openmemory"]));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(gatewayA.ServiceAddress("openmemory"), SdkMcpServer.Path),
                TransportMode = HttpTransportMode.StreamableHttp,
            }, http);
            await using var client = await McpClient.CreateAsync(transport);
            await CallToolsAsync(client, 10);
        });
        Assert.True(alpha.NotFound + beta.NotFound > 0);
    }

    [Fact]
    public async Task A_forged_or_foreign_hint_is_balanced_normally_and_forwarded_as_the_client_sent_it()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.Settings["Gateway:Privacy:HashKey"] = SharedKey);
        using var client = stack.Gateway.Client("openmemory");
        var otherKey = new SessionHintCodec(new Mem0Gateway.Privacy.PersonalIdProtector(Microsoft.Extensions.Options.Options.Create(new Mem0Gateway.Privacy.PrivacyOptions { HashKey = "another-key" })));
        var forged = new[]
        {
            "0f1e2d3c~" + Convert.ToBase64String("openmemory-1"u8).TrimEnd('=') + ".AAAAAAAAAAAAAAAAAAAAAA",
            otherKey.AddHint("openmemory", "openmemory-1", "0f1e2d3c"),
            "plain-id-with~tilde",
        };
        foreach (var id in forged)
        {
            using var response = await client.PostAsync($"/mcp/messages/?session_id={id}",
                new StringContent("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var received = stack.OpenMemory.RequestsTo("POST", "/mcp/messages/").Last();
            Assert.Contains($"session_id={id}", received.QueryString);
        }
    }

    [Fact]
    public async Task When_the_destination_holding_a_session_is_gone_the_client_gets_404_and_initialises_again()
    {
        await using var alpha = await SdkMcpServer.StartAsync("alpha");
        await using var beta = await SdkMcpServer.StartAsync("beta");
        await using var gateway = await GatewayInstance.StartAsync(Options(alpha, beta));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var endpoint = new Uri(gateway.ServiceAddress("openmemory"), SdkMcpServer.Path);
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }, http);
        await using var client = await McpClient.CreateAsync(transport);
        var holder = (await CallToolsAsync(client, 1))[0].Split(':')[0];
        var sessionId = client.SessionId!;
        Assert.Contains('~', sessionId);

        // The destination that holds the session leaves the cluster.
        var config = gateway.ReadConfig();
        var destinations = config["ReverseProxy"]!["Clusters"]!["openmemory"]!["Destinations"]!.AsObject();
        destinations.Remove(holder == "alpha" ? "openmemory-1" : "openmemory-2");
        gateway.RewriteConfig(config);

        var survivor = holder == "alpha" ? beta : alpha;
        HttpResponseMessage? last = null;
        await Poll.UntilAsync(async () =>
        {
            last?.Dispose();
            using var ping = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", Encoding.UTF8, "application/json"),
            };
            ping.Headers.Add("Mcp-Session-Id", sessionId);
            ping.Headers.Accept.ParseAdd("application/json");
            ping.Headers.Accept.ParseAdd("text/event-stream");
            last = await http.SendAsync(ping);
            return last.StatusCode == HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(10), "404 for a session whose destination left");
        Assert.Equal(MediaTypeHeaderValue.Parse("application/json"), last!.Content.Headers.ContentType);
        Assert.Contains("Session not found", await last.Content.ReadAsStringAsync());
        last.Dispose();
        Assert.Equal(0, survivor.NotFound); // the request never went to a server that does not know the session

        // A new session works, on the destination that is left.
        var again = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }, http);
        await using var fresh = await McpClient.CreateAsync(again);
        Assert.StartsWith(survivor.Name + ":", (await CallToolsAsync(fresh, 1))[0]);
    }

    [Fact]
    public async Task The_endpoint_event_is_rewritten_however_the_stream_is_split_and_later_events_pass_unchanged()
    {
        var upstream = ": ping\r\n\r\nevent: endpoint\r\ndata: /mcp/messages/?session_id=abc123&x=1\r\n\r\nevent: message\r\ndata: {\"session_id=abc123\"}\r\n\r\n";
        var expected = upstream.Replace("session_id=abc123&x=1", "session_id=abc123~HINT&x=1", StringComparison.Ordinal);
        foreach (var chunk in new[] { 1, 3, 7, upstream.Length })
        {
            var sink = new MemoryStream();
            await using (var rewriter = new EndpointEventRewriteStream(sink, id => id + "~HINT"))
            {
                var bytes = Encoding.UTF8.GetBytes(upstream);
                for (var i = 0; i < bytes.Length; i += chunk)
                {
                    await rewriter.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
                }
            }

            Assert.Equal(expected, Encoding.UTF8.GetString(sink.ToArray()));
        }
    }
}
