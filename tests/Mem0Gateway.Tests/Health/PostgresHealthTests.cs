using HealthChecks.UI.Core;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Health;

/// <summary>The PostgreSQL dependency check against a real PostgreSQL server, started and stopped by the test.</summary>
public sealed class PostgresHealthTests
{
    [Fact]
    public async Task A_running_postgres_is_healthy_and_a_stopped_one_unhealthy_without_the_password_ever_showing()
    {
        const string password = "pg-Pa55word-only-in-config";
        await using var postgres = await LocalPostgres.StartAsync(password);
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, postgres.ConnectionString + "\n");
        try
        {
            await using var stack = await GatewayWithUpstreams.StartAsync(o =>
            {
                o.Settings["Gateway:Dependencies:Postgres:ConnectionStringFile"] = secretFile;
                o.Settings["ReverseProxy:Clusters:openmemory-ui:HealthCheck:Active:Path"] = "/openapi.json";
            });

            var (status, body, report) = await HealthReports.DetailedAsync(stack.Gateway);
            Assert.Equal(UIHealthStatus.Healthy, report.Entries["postgres"].Status);
            Assert.Equal(200, status);
            Assert.DoesNotContain(password, body);

            await postgres.StopAsync();
            (status, body, report) = await HealthReports.DetailedAsync(stack.Gateway);
            var entry = report.Entries["postgres"];
            Assert.Equal(UIHealthStatus.Unhealthy, entry.Status);
            Assert.Equal(UIHealthStatus.Unhealthy, report.Status);
            Assert.Equal(503, status);
            Assert.Null(entry.Exception);
            Assert.DoesNotContain(password, body);
            Assert.DoesNotContain(postgres.Port.ToString(), entry.Description ?? "");

            // Upstreams are fine, so the proxy stays ready: a database is mem0's dependency, not the gateway's.
            using var readiness = await stack.Gateway.Management.GetAsync("/health/readiness");
            Assert.Equal(System.Net.HttpStatusCode.OK, readiness.StatusCode);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }
}
