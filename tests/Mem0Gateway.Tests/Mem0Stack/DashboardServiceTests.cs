using System.Net;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>The mem0 dashboard as its own service, and the one switch (<c>Gateway:Stack</c>) that picks a stack.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class DashboardServiceTests
{
    [Fact]
    public async Task Dashboard_pages_answer_through_the_gateway_once_probed_on_api_health_instead_of_503()
    {
        await using var stack = await Mem0Stack.StartAsync();
        await Poll.UntilAsync(async () => (await stack.Gateway.ScrapeAsync())
                .Sum("mem0_gateway_health_checks_total", ("service", "mem0-dashboard"), ("result", "healthy")) >= 1,
            TimeSpan.FromSeconds(15), "a healthy probe of the dashboard");

        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_up", ("service", "mem0-dashboard")));
        Assert.Equal(0, metrics.Sum("mem0_gateway_health_checks_total", ("service", "mem0-dashboard"), ("result", "unhealthy")));

        using var browser = stack.Client("mem0-dashboard");
        using var page = await browser.GetAsync("/dashboard/memories");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
        using var login = await browser.GetAsync(page.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("<title>Login</title>", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pages_static_assets_session_refresh_and_health_are_separate_operations()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        using var browser = stack.Client("mem0-dashboard");
        foreach (var path in new[] { "/dashboard/entities", "/_next/static/chunks/main.js", "/fonts/inter.woff2", "/favicon.ico", "/api/health" })
        {
            (await browser.GetAsync(path)).Dispose();
        }

        (await browser.PostAsync("/api/auth/refresh", null)).Dispose();

        var metrics = await stack.Gateway.ScrapeAsync();
        double Count(string route, string operation)
            => metrics.Sum("mem0_gateway_requests_total", ("service", "mem0-dashboard"), ("route", route), ("operation", operation));
        Assert.Equal(1, Count("mem0-dashboard-pages", "page"));
        Assert.Equal(1, Count("mem0-dashboard-static", "static"));
        Assert.Equal(1, Count("mem0-dashboard-fonts", "static"));
        Assert.Equal(1, Count("mem0-dashboard-favicon", "static"));
        Assert.Equal(1, Count("mem0-dashboard-health", "health"));
        Assert.Equal(1, Count("mem0-dashboard-refresh", "session_refresh"));
        Assert.Empty(metrics.Series("mem0_gateway_requests_total", ("service", "openmemory-ui")));
    }

    [Fact]
    public async Task OpenMemory_ui_probe_survives_an_app_that_redirects_every_page_to_login()
    {
        // The probe path /logo.svg is not let through by the middleware: it gets the same 307 as a page.
        await using var app = await FakeMem0Dashboard.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(new GatewayInstanceOptions
        {
            Destinations = { ["openmemory-ui"] = [app.BaseAddress] },
        });

        var metrics = await gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_health_checks_total", ("service", "openmemory-ui")) >= 2);
        Assert.True(metrics.Sum("mem0_gateway_health_checks_total", ("service", "openmemory-ui"), ("result", "healthy")) >= 2);
        Assert.Equal(1, metrics.Sum("mem0_gateway_upstream_up", ("service", "openmemory-ui")));
        using var ui = gateway.Client("openmemory-ui");
        using var page = await ui.GetAsync("/memories");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
    }

    [Theory]
    [InlineData("mem0", new[] { "mem0", "mem0-dashboard" }, new[] { "openmemory", "openmemory-ui" })]
    [InlineData("openmemory", new[] { "mem0", "openmemory", "openmemory-ui" }, new[] { "mem0-dashboard" })]
    public async Task A_stack_that_is_not_run_gets_no_listener_no_probe_and_no_health_entry(string chosen, string[] run, string[] absent)
    {
        // Every destination is a dead port: what is run shows up as down; what is not run must not show up at all.
        await using var gateway = await GatewayInstance.StartAsync(new GatewayInstanceOptions { Settings = { ["Gateway:Stack"] = chosen } });
        var metrics = await gateway.ScrapeUntilAsync(m => run.All(s => m.Series("mem0_gateway_upstream_up", ("service", s)).Any(x => x.Value == 0)));

        var detailed = (await HealthReports.DetailedAsync(gateway)).Report.Entries;
        foreach (var service in run)
        {
            Assert.Equal(0, metrics.Sum("mem0_gateway_upstream_up", ("service", service)));
            Assert.Contains(detailed, e => e.Key.StartsWith(service + "/", StringComparison.Ordinal));
        }

        foreach (var service in absent)
        {
            Assert.Empty(metrics.Series("mem0_gateway_upstream_up", ("service", service)));
            Assert.Empty(metrics.Series("mem0_gateway_health_checks_total", ("service", service)));
            Assert.DoesNotContain(detailed, e => e.Key.StartsWith(service + "/", StringComparison.Ordinal));
            using var client = gateway.Client(service);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/"));
        }

        using var readiness = await gateway.Management.GetAsync("/health/readiness");
        // Only the required services that are run (all dead here) make the gateway unready.
        var body = await readiness.Content.ReadAsStringAsync();
        Assert.DoesNotContain(absent.Contains("openmemory") ? "openmemory" : "mem0-dashboard", body);
    }

    [Fact]
    public async Task An_unknown_stack_fails_the_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayInstance.StartAsync(new GatewayInstanceOptions { Settings = { ["Gateway:Stack"] = "mem1" } }));
        Assert.Contains("Gateway:Stack must be one of", error.ToString());
    }
}
