using System.Text.Json;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Logging;

/// <summary>
/// What a person sees when running the gateway (the real process): readable lines and a start-up summary on a
/// terminal or with <c>--log-format pretty</c>; JSON for everything else; a dead upstream said once, not per request.
/// </summary>
public sealed class ConsoleOutputTests
{
    [Fact]
    public async Task Pretty_output_has_no_json_and_its_start_up_summary_names_every_port()
    {
        await using var gateway = await GatewayProcess.StartAsync(InformationLogs(), arguments: ["--log-format", "pretty"]);
        await Poll.UntilAsync(() => Task.FromResult(gateway.StandardOutput.Any(l => l.Contains("Tracing ", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "the start-up summary is printed");
        using (var client = gateway.Client("mem0"))
        {
            (await client.GetAsync("/memories?user_id=alice")).Dispose();
        }

        await Poll.UntilAsync(() => Task.FromResult(gateway.StandardOutput.Any(l => l.Contains("GET /memories?user_id=", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "the request's access line is printed");

        var lines = gateway.StandardOutput.ToList();
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith('{') || l.Contains("\"@timestamp\"", StringComparison.Ordinal));
        var summary = string.Join('\n', lines.Where(l => l.Contains("StartupSummary", StringComparison.Ordinal)));
        // The test gateways run the openmemory stack: every service of it is named with its port, and the dashboard,
        // which that stack does not run (no listener), is not.
        foreach (var (service, port) in gateway.ServicePorts.Where(s => s.Key != "mem0-dashboard"))
        {
            Assert.Contains($"Service {service}: http://127.0.0.1:{port}/ -> ", summary);
        }

        Assert.DoesNotContain("Service mem0-dashboard:", summary);

        Assert.Contains($"Management: http://127.0.0.1:{gateway.ManagementPort}/ (status page", summary);
        Assert.Contains("with config file ", summary);
        Assert.Contains("no token required", summary);
        Assert.Contains("Tracing on, not exported", summary);
        Assert.Contains("probe /openapi.json", summary);
        // The access line a person reads: method, path (user id hashed), status, duration, service/operation.
        var access = lines.Single(l => l.Contains("GET /memories?user_id=", StringComparison.Ordinal));
        Assert.Matches(@"GET /memories\?user_id=h:[0-9a-f]+ .*503.* ms .*mem0/get_all", access);
    }

    [Fact]
    public async Task Stdout_that_is_not_a_terminal_stays_json_and_still_carries_the_summary()
    {
        await using var gateway = await GatewayProcess.StartAsync(InformationLogs(),
            environment: new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" },
            arguments: []);
        await Poll.UntilAsync(() => Task.FromResult(gateway.StandardOutput.Any(l => l.Contains("Tracing on", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "the start-up summary is logged");

        var lines = gateway.StandardOutput.ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("@timestamp", out _), line);
        }

        var messages = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains($"http://127.0.0.1:{gateway.ManagementPort}/", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Tracing on, exporting over OTLP to http://127.0.0.1:4317", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_terminal_gets_readable_coloured_lines_without_being_asked()
    {
        await using var gateway = await GatewayProcess.StartAsync(InformationLogs(), onTerminal: true);
        await Poll.UntilAsync(() => gateway.StandardOutput.Any(l => l.Contains("Tracing ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the gateway on a terminal prints its summary", () => string.Join("\n", gateway.StandardOutput));
        var lines = gateway.StandardOutput.ToList();
        Assert.DoesNotContain(lines, l => l.Contains("\"@timestamp\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\u001b[", StringComparison.Ordinal) && l.Contains("INF", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"http://127.0.0.1:{gateway.ManagementPort}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dead_upstream_at_start_up_is_one_line_per_service_not_warnings_per_request()
    {
        // No stand-ins: every service points at a closed port.
        await using var gateway = await GatewayProcess.StartAsync(InformationLogs());
        await Poll.UntilAsync(() => Task.FromResult(gateway.StandardOutput.Any(l => l.Contains("Upstream mem0 destination mem0-1 is down", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "mem0's dead destination is reported");
        using (var client = gateway.Client("mem0"))
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.GetAsync("/memories?user_id=alice");
                Assert.Equal(503, (int)response.StatusCode);
            }
        }

        await Poll.UntilAsync(() => Task.FromResult(Json(gateway).Count(IsAccessLine) == 3), TimeSpan.FromSeconds(10), "three access lines");
        var warnings = Json(gateway).Where(l => !IsAccessLine(l) && l.GetProperty("log.level").GetString() is "warning" or "error").ToList();
        var messages = warnings.Select(w => w.GetProperty("message").GetString()!).ToList();
        Assert.Single(messages, m => m.StartsWith("Upstream mem0 destination ", StringComparison.Ordinal));
        foreach (var service in gateway.ServicePorts.Keys)
        {
            Assert.True(messages.Count(m => m.StartsWith($"Upstream {service} destination ", StringComparison.Ordinal)) <= 1, $"{service} is reported down more than once");
        }

        Assert.DoesNotContain(messages, m => m.Contains("No available destinations", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("mem0", StringComparison.Ordinal) && !m.StartsWith("Upstream mem0 destination", StringComparison.Ordinal));
    }

    private static bool IsAccessLine(JsonElement line) => line.GetProperty("event.dataset").GetString() == "mem0_gateway.access";

    private static List<JsonElement> Json(GatewayProcess gateway)
        => gateway.StandardOutput.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    /// <summary>The repository's log levels (the tests' default is Warning, which would hide the summary).</summary>
    private static GatewayInstanceOptions InformationLogs()
    {
        var options = new GatewayInstanceOptions();
        options.Settings["Logging:LogLevel:Default"] = "Information";
        return options;
    }
}
