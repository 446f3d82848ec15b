using System.Diagnostics;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>
/// The click from a slow bucket in Grafana to its trace: a real Prometheus 2.42 (Debian package <c>prometheus</c>) with
/// exemplar storage scrapes the gateway and answers <c>query_exemplars</c> with the trace ids of requests we sent.
/// </summary>
public sealed class PrometheusExemplarTests
{
    private const string PrometheusBinary = "/usr/bin/prometheus";

    [Fact]
    public async Task Prometheus_stores_trace_id_exemplars_of_the_request_duration_histogram()
    {
        Assert.True(File.Exists(PrometheusBinary), $"{PrometheusBinary} is missing: install the Debian package 'prometheus' (scripts/test.sh does)");
        await using var traced = await TracedStack.StartAsync();
        var promPort = FreePorts.Allocate();
        var storage = Directory.CreateTempSubdirectory("mem0gw-prom-").FullName;
        var configPath = Path.Combine(storage, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: gateway
                static_configs:
                  - targets: ['127.0.0.1:{traced.Gateway.ManagementPort}']
            """);
        using var prometheus = Process.Start(new ProcessStartInfo(PrometheusBinary)
        {
            ArgumentList =
            {
                $"--config.file={configPath}", $"--storage.tsdb.path={Path.Combine(storage, "data")}",
                $"--web.listen-address=127.0.0.1:{promPort}", "--enable-feature=exemplar-storage",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var promLog = new System.Text.StringBuilder();
        prometheus.ErrorDataReceived += (_, e) => { lock (promLog) { promLog.AppendLine(e.Data); } };
        prometheus.OutputDataReceived += (_, e) => { lock (promLog) { promLog.AppendLine(e.Data); } };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var prom = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{promPort}/"), Timeout = TimeSpan.FromSeconds(5) };
            using var client = traced.Client("mem0");
            // A request whose trace is not recorded gets no exemplar and does not spend its bucket's turn: a recorded
            // one right behind unrecorded ones is stored. Both paths are warmed first (the recorded one on another
            // route, whose exemplars are paced apart), so that the requests take alike and share a bucket.
            using (await client.GetAsync("/memories?user_id=u"))
            {
            }

            var unsampled = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                unsampled.Add(await SendSearchAsync(client, sampled: false));
            }

            var first = await SendSearchAsync(client, sampled: true);
            var firstFound = await WaitForExemplarAsync(prom, first, TimeSpan.FromSeconds(30));
            Assert.True(firstFound is not null, $"no exemplar with trace_id {first}; Prometheus said:\n{promLog}");
            Assert.DoesNotContain(await ExemplarTraceIdsAsync(prom), unsampled.Contains);

            // A bucket takes at most one new exemplar a second, so a request that follows the last stored one too
            // closely is not stored: keep sending fresh traces until two more have been.
            var stored = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (stored.Count < 2 && DateTime.UtcNow < deadline)
            {
                var traceId = await SendSearchAsync(client, sampled: true);

                // Scraped every second: three seconds without it means this one was paced out.
                var found = await WaitForExemplarAsync(prom, traceId, TimeSpan.FromSeconds(3));
                if (found is null)
                {
                    continue;
                }

                Assert.Equal("mem0_gateway_request_duration_seconds_bucket", (string?)found["seriesLabels"]!["__name__"]);
                Assert.Equal("mem0-search", (string?)found["seriesLabels"]!["route"]);
                stored.Add(traceId);
            }

            Assert.True(stored.Count == 2, $"{stored.Count} of 2 more traces stored as exemplars within a minute; Prometheus said:\n{promLog}");
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
            try
            {
                Directory.Delete(storage, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A search in a fresh trace from the caller, which the gateway continues; returns its trace id.</summary>
    private static async Task<string> SendSearchAsync(HttpClient client, bool sampled)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/search") { Content = new StringContent("{\"query\":\"q\",\"user_id\":\"u\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-{(sampled ? "01" : "00")}");
        using var response = await client.SendAsync(request);
        Assert.Equal(traceId, Assert.Single(response.Headers.GetValues("X-Trace-Id")));
        return traceId;
    }

    private static async Task<List<string>> ExemplarTraceIdsAsync(HttpClient prom)
        => (await ExemplarSeriesAsync(prom)).SelectMany(series => series!["exemplars"]!.AsArray())
            .Select(e => (string?)e!["labels"]!["trace_id"]).OfType<string>().ToList();

    /// <summary>The request-duration series with exemplars in the last five minutes, as <c>query_exemplars</c> gives them.</summary>
    private static async Task<JsonArray> ExemplarSeriesAsync(HttpClient prom)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var json = JsonNode.Parse(await prom.GetStringAsync(
            $"api/v1/query_exemplars?query=mem0_gateway_request_duration_seconds_bucket&start={now - 300}&end={now + 60}"))!;
        return json["data"]?.AsArray() ?? [];
    }

    /// <summary>The series entry whose exemplars hold <paramref name="traceId"/>, or null when none shows up in time.</summary>
    private static async Task<JsonObject?> WaitForExemplarAsync(HttpClient prom, string traceId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                foreach (var series in await ExemplarSeriesAsync(prom))
                {
                    if (series!["exemplars"]!.AsArray().Any(e => (string?)e!["labels"]!["trace_id"] == traceId))
                    {
                        return series.AsObject();
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
            }

            await Task.Delay(250);
        }

        return null;
    }
}
