using System.Net;
using HealthChecks.UI.Core;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Health;

/// <summary>The management port's health endpoints, as Kubernetes probes and the HealthChecks UI see them.</summary>
public sealed class HealthEndpointTests
{
    private static void FastProbes(GatewayInstanceOptions options)
    {
        foreach (var cluster in new[] { "mem0", "openmemory", "openmemory-ui" })
        {
            options.Settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Interval"] = "00:00:01";
            options.Settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Timeout"] = "00:00:01";
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(GatewayInstance gateway, string path)
    {
        using var response = await gateway.Management.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Liveness_stays_200_while_every_upstream_is_down_and_readiness_turns_503()
    {
        var options = new GatewayInstanceOptions(); // every service points at a closed port
        FastProbes(options);
        await using var gateway = await GatewayInstance.StartAsync(options);

        // Readiness turns 503 once the required services are down; the optional UI's first probe may finish later.
        await Poll.UntilAsync(async () => (await GetAsync(gateway, "/health/readiness")).Status == HttpStatusCode.ServiceUnavailable
            && (await gateway.ScrapeAsync()) is var scraped && scraped.Series("mem0_gateway_upstream_up").Count() == 3
            && scraped.Sum("mem0_gateway_upstream_up") == 0,
            TimeSpan.FromSeconds(5), "readiness 503 and every upstream down");

        var liveness = await GetAsync(gateway, "/health/liveness");
        Assert.Equal(HttpStatusCode.OK, liveness.Status);
        Assert.Equal("Healthy", liveness.Body);
        var readiness = await GetAsync(gateway, "/health/readiness");
        Assert.Contains("mem0", readiness.Body);
        Assert.Contains("openmemory", readiness.Body);
        var overall = await GetAsync(gateway, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, overall.Status);
        Assert.Equal("Unhealthy", overall.Body);

        // Health endpoints exist only on the management port.
        using var proxied = await gateway.Client("mem0").GetAsync("/health/liveness");
        Assert.NotEqual("Healthy", await proxied.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_follows_the_required_services_and_ignores_optional_ones()
    {
        // The fake serves no /logo.svg, so the UI (not required) is down from the start.
        await using var stack = await GatewayWithUpstreams.StartAsync(FastProbes);
        var gateway = stack.Gateway;
        await Poll.UntilAsync(async () => (await gateway.ScrapeAsync()).Sum("mem0_gateway_upstream_up", ("service", "openmemory-ui")) == 0
            && (await GetAsync(gateway, "/health/readiness")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "ready with the UI down");
        var overall = await GetAsync(gateway, "/health");
        Assert.Equal(HttpStatusCode.OK, overall.Status);
        Assert.Equal("Degraded", overall.Body);

        await stack.OpenMemory.StopAsync();
        await Poll.UntilAsync(async () => (await GetAsync(gateway, "/health/readiness")).Status == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(3), "not ready without openmemory");
        var readiness = await GetAsync(gateway, "/health/readiness");
        Assert.Contains("openmemory", readiness.Body);
        Assert.DoesNotContain("mem0,", readiness.Body);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/health/liveness")).Status);

        await stack.OpenMemory.StartAsync();
        await Poll.UntilAsync(async () => (await GetAsync(gateway, "/health/readiness")).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(4), "ready again");
    }

    [Fact]
    public async Task Detailed_is_healthchecks_ui_json_with_an_entry_per_destination_and_dependency_and_no_secrets()
    {
        const string pgPassword = "pw-S3cret-4711-never-shown";
        const string llmKey = "sk-SECRET-0042-never-shown";
        await using var bolt = new FakeBoltServer([0x00, 0x00, 0x04, 0x05]);
        await using var llmProvider = await FakeMem0Upstream.StartAsync(); // any server with a cheap authenticated GET
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            FastProbes(o);
            o.Settings["Gateway:Dependencies:Postgres:ConnectionString"] =
                $"Host=127.0.0.1;Port={FreePorts.Allocate()};Username=mem0;Password={pgPassword};Database=mem0;Timeout=2";
            o.Settings["Gateway:Dependencies:Neo4j:Address"] = $"127.0.0.1:{bolt.Port}";
            o.Settings["Gateway:Dependencies:Llm:Enabled"] = "true";
            o.Settings["Gateway:Dependencies:Llm:ApiKey"] = llmKey;
            o.Settings["Gateway:Dependencies:Llm:Url"] = new Uri(llmProvider.BaseAddress, "/openapi.json").ToString();
        });
        var gateway = stack.Gateway;
        // A 404 is no refusal: the UI needs two failed probes in a row to be down.
        await Poll.UntilAsync(async () => (await gateway.ScrapeAsync()).Series("mem0_gateway_upstream_up", ("service", "openmemory-ui")).Any(s => s.Value == 0),
            TimeSpan.FromSeconds(6), "the UI down");

        var (status, body, report) = await HealthReports.DetailedAsync(gateway);

        Assert.Equal(
            new[] { "llm", "mem0/mem0-1", "neo4j", "openmemory-ui/openmemory-ui-1", "openmemory/openmemory-1", "postgres" },
            report.Entries.Keys.Order(StringComparer.Ordinal));
        var mem0 = report.Entries["mem0/mem0-1"];
        Assert.Equal(UIHealthStatus.Healthy, mem0.Status);
        Assert.Equal("0", HealthReports.DataString(mem0, "consecutiveFailures"));
        Assert.True(DateTimeOffset.TryParse(HealthReports.DataString(mem0, "lastCheck"), out var lastCheck));
        Assert.True(DateTimeOffset.UtcNow - lastCheck < TimeSpan.FromSeconds(10));
        Assert.True(double.Parse(HealthReports.DataString(mem0, "responseTimeMs"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(mem0.Duration > TimeSpan.Zero);

        var ui = report.Entries["openmemory-ui/openmemory-ui-1"];
        Assert.Equal(UIHealthStatus.Unhealthy, ui.Status);
        Assert.Contains("answered 404", ui.Description);
        Assert.NotEqual("0", HealthReports.DataString(ui, "consecutiveFailures"));

        Assert.Equal(UIHealthStatus.Healthy, report.Entries["neo4j"].Status);
        Assert.Equal(UIHealthStatus.Unhealthy, report.Entries["postgres"].Status);
        Assert.All(report.Entries.Values, e => Assert.Null(e.Exception));
        Assert.Equal(UIHealthStatus.Healthy, report.Entries["llm"].Status);
        Assert.Contains("Bearer " + llmKey, llmProvider.RequestsTo("GET", "/openapi.json").Select(r => r.Headers.GetValueOrDefault("Authorization")));

        Assert.Equal(UIHealthStatus.Unhealthy, report.Status); // postgres is down
        Assert.Equal(503, status);
        Assert.DoesNotContain(pgPassword, body);
        Assert.DoesNotContain(llmKey, body);
        Assert.DoesNotContain("Password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Host=", body);
    }

    [Fact]
    public async Task Unconfigured_dependencies_are_left_out_instead_of_failing()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            FastProbes(o);
            o.Settings["ReverseProxy:Clusters:openmemory-ui:HealthCheck:Active:Path"] = "/openapi.json";
        });
        await Poll.UntilAsync(async () => (await gatewayProbes(stack.Gateway)) >= 3, TimeSpan.FromSeconds(5), "first probes");

        var (status, _, report) = await HealthReports.DetailedAsync(stack.Gateway);
        Assert.Equal(new[] { "mem0/mem0-1", "openmemory-ui/openmemory-ui-1", "openmemory/openmemory-1" }, report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(UIHealthStatus.Healthy, report.Status);
        Assert.Equal(200, status);
        Assert.Equal("Healthy", (await GetAsync(stack.Gateway, "/health")).Body);

        static async Task<double> gatewayProbes(GatewayInstance gateway)
            => (await gateway.ScrapeAsync()).Sum("mem0_gateway_health_checks_total", ("result", "healthy"));
    }
}
