using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.SessionAffinity;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Mem0Gateway.Tests.Scale;

/// <summary>
/// Two gateway processes behind HAProxy (TCP mode, a new connection per request, so consecutive requests alternate
/// replicas), two destinations per service, one Redis. Mixed mem0 traffic and MCP sessions on both transports whose
/// streams and messages are spread over both gateways. The short form runs here; perf/scale/run.sh runs a longer one
/// (sizes from MEM0GW_SCALE_* variables) and writes the figures it prints.
/// </summary>
public sealed class ScaleTests
{
    private static int Size(string name, int shortForm)
        => int.TryParse(Environment.GetEnvironmentVariable("MEM0GW_SCALE_" + name), CultureInfo.InvariantCulture, out var v) ? v : shortForm;

    private static HttpClient NewConnectionPerRequest(int port) => new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public async Task Two_replicas_behind_haproxy_lose_no_session_count_every_request_once_and_agree_on_distinct_users()
    {
        var requests = Size("REQUESTS", 600);
        var users = Size("USERS", 300);
        var sessions = Size("SESSIONS", 6);
        var callsPerSession = Size("CALLS", 8);

        await using var redis = await LocalRedis.StartAsync();
        await using var mem0A = await FakeMem0Upstream.StartAsync();
        await using var mem0B = await FakeMem0Upstream.StartAsync();
        await using var mcpA = await SdkMcpServer.StartAsync("alpha");
        await using var mcpB = await SdkMcpServer.StartAsync("beta");
        GatewayInstanceOptions Options()
        {
            var o = new GatewayInstanceOptions { ActiveHealthChecks = false };
            o.Destinations["mem0"] = [mem0A.BaseAddress, mem0B.BaseAddress];
            o.Destinations["openmemory"] = [mcpA.BaseAddress, mcpB.BaseAddress];
            o.Settings["Gateway:Privacy:HashKey"] = "scale-test-shared-key";
            o.Settings["Gateway:ActiveUsers:RedisConnectionString"] = redis.ConnectionString;
            o.Settings["Gateway:ActiveUsers:RedisFlushInterval"] = "00:00:00.250";
            o.Settings["Gateway:AccessLog:Enabled"] = "false";
            return o;
        }

        await using var gateway1 = await GatewayProcess.StartAsync(Options());
        await using var gateway2 = await GatewayProcess.StartAsync(Options());
        var gateways = new[] { gateway1, gateway2 };
        await using var haproxy = await LocalHaproxy.StartAsync(new Dictionary<string, int[]>
        {
            ["mem0"] = gateways.Select(g => g.ServicePorts["mem0"]).ToArray(),
            ["openmemory"] = gateways.Select(g => g.ServicePorts["openmemory"]).ToArray(),
        });

        var watch = Stopwatch.StartNew();
        var sent = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var mem0 = NewConnectionPerRequest(haproxy.Ports["mem0"]);
        var mem0Traffic = Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var user = $"scale-user-{i % users}";
            var (route, request) = (i % 3) switch
            {
                0 => ("mem0-get-all", new HttpRequestMessage(HttpMethod.Get, $"/memories?user_id={user}")),
                1 => ("mem0-search", new HttpRequestMessage(HttpMethod.Post, "/search")
                {
                    Content = new StringContent($$$"""{"query":"food","filters":{"user_id":"{{{user}}}"}}""", Encoding.UTF8, "application/json"),
                }),
                _ => ("mem0-add", new HttpRequestMessage(HttpMethod.Post, "/memories")
                {
                    Content = new StringContent($$"""{"messages":[{"role":"user","content":"I like tea."}],"user_id":"{{user}}"}""", Encoding.UTF8, "application/json"),
                }),
            };
            using (request)
            using (var response = await mem0.SendAsync(request, ct))
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"{route}: {(int)response.StatusCode}");
                }
            }

            sent.AddOrUpdate(route, 1, (_, n) => n + 1);
        });

        using var mcpHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero });
        var toolCalls = 0;
        var mcpTraffic = Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (s, ct) =>
        {
            var (mode, path) = s % 2 == 0 ? (HttpTransportMode.StreamableHttp, SdkMcpServer.Path) : (HttpTransportMode.Sse, SdkMcpServer.Path + "/sse");
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{haproxy.Ports["openmemory"]}{path}"),
                TransportMode = mode,
            }, mcpHttp);
            try
            {
                await using var client = await McpClient.CreateAsync(transport, cancellationToken: ct);
                for (var c = 0; c < callsPerSession; c++)
                {
                    var result = await client.CallToolAsync("search_memory", new Dictionary<string, object?> { ["query"] = $"s{s}c{c}" }, cancellationToken: ct);
                    if (result.IsError == true || result.Content is not [TextContentBlock { Text: var text }] || !text.EndsWith($": s{s}c{c}", StringComparison.Ordinal))
                    {
                        failures.Enqueue($"session {s} call {c}: unexpected result");
                    }

                    Interlocked.Increment(ref toolCalls);
                }
            }
            catch (Exception ex) when (ex is McpException or HttpRequestException or IOException)
            {
                failures.Enqueue($"session {s} ({mode}): {ex.GetType().Name}: {ex.Message}");
            }
        });
        await Task.WhenAll(mem0Traffic, mcpTraffic);
        var elapsed = watch.Elapsed;

        // Every request the gateways forwarded is counted once; streams are counted when they end, so wait for them.
        // Each replica's cluster-wide estimate is what it last read back from Redis, which may predate the other
        // replica's last flush: wait until both have read a complete count (a wrong one never converges).
        var truth = Math.Min(users, requests);
        // Redis' HyperLogLog: 16384 registers, standard error 1.04/sqrt(16384) = 0.81 %; three of them is the bound.
        var bound = Math.Max(1, Math.Ceiling(3 * 1.04 / Math.Sqrt(16384) * truth));
        var upstreamMcp = 0;
        var gatewayRoutes = new Dictionary<string, double>();
        var deadline = Stopwatch.StartNew();
        MetricsSnapshot[] scrapes;
        while (true)
        {
            scrapes = await Task.WhenAll(gateways.Select(g => g.ScrapeAsync()));
            upstreamMcp = mcpA.Requests.Count + mcpB.Requests.Count;
            var openMemoryCounted = scrapes.Sum(m => m.Sum("mem0_gateway_requests_total", ("service", "openmemory")));
            var clusterReady = scrapes.All(m => Math.Abs(m.Sum("mem0_gateway_active_users_cluster", ("service", "mem0"), ("window", "5m")) - truth) <= bound);
            if ((openMemoryCounted == upstreamMcp && clusterReady) || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                break;
            }

            await Task.Delay(100);
        }

        foreach (var route in sent.Keys)
        {
            gatewayRoutes[route] = scrapes.Sum(m => m.Sum("mem0_gateway_requests_total", ("route", route)));
        }

        var perGateway = scrapes.Select(m => m.Sum("mem0_gateway_requests_total", ("service", "mem0"))).ToArray();
        var cluster = scrapes.Select(m => m.Sum("mem0_gateway_active_users_cluster", ("service", "mem0"), ("window", "5m"))).ToArray();
        var local = scrapes.Select(m => m.Sum("mem0_gateway_active_users", ("service", "mem0"), ("window", "5m"))).ToArray();
        var sessionNotFound = mcpA.NotFound + mcpB.NotFound;

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"scale: {requests} mem0 requests over {users} users, {sessions} MCP sessions x {callsPerSession} tool calls, {elapsed.TotalSeconds:F1} s")
            .AppendLine(CultureInfo.InvariantCulture, $"mem0 requests per gateway: {string.Join(" + ", perGateway)}; per route (client = sum of gateways): {string.Join(", ", sent.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value} = {gatewayRoutes[r.Key]}"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"mcp: {toolCalls} tool calls, upstream requests {upstreamMcp} (alpha {mcpA.Requests.Count}, beta {mcpB.Requests.Count}) = gateway-counted {scrapes.Sum(m => m.Sum("mem0_gateway_requests_total", ("service", "openmemory")))}, session not found {sessionNotFound}")
            .AppendLine(CultureInfo.InvariantCulture, $"distinct users: truth {truth}, cluster estimate {string.Join(" / ", cluster)} (bound +-{bound}), per-replica {string.Join(" + ", local)} = {local.Sum()} if summed")
            .AppendLine(CultureInfo.InvariantCulture, $"failures: {failures.Count} {string.Join("; ", failures.Take(5))}")
            .ToString();
        if (Environment.GetEnvironmentVariable("MEM0GW_SCALE_REPORT") is { Length: > 0 } reportPath)
        {
            await File.WriteAllTextAsync(reportPath, report);
        }

        Assert.True(failures.IsEmpty, report);
        Assert.True(sessionNotFound == 0, report);
        Assert.Equal(sessions * callsPerSession, toolCalls);
        Assert.All(perGateway, n => Assert.True(n > 0, report)); // both replicas served
        foreach (var (route, count) in sent)
        {
            Assert.True(gatewayRoutes[route] == count, report);
        }

        Assert.True(scrapes.Sum(m => m.Sum("mem0_gateway_requests_total", ("service", "openmemory"))) == upstreamMcp, report);
        Assert.All(cluster, c => Assert.True(Math.Abs(c - truth) <= bound, report));
    }
}
