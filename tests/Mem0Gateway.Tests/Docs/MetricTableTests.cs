using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Docs;

/// <summary>The metric page lists exactly the families the gateway registers, each with its type.</summary>
public sealed class MetricTableTests
{
    [Fact]
    public async Task The_metric_table_lists_every_gateway_family_with_its_type_and_nothing_else()
    {
        var registered = (await GatewayMetricFamilies.ReadAsync())
            .Where(f => f.Key.StartsWith("mem0_gateway_", StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => f.Value);
        Assert.NotEmpty(registered);

        var page = File.ReadAllLines(RepositoryPaths.Combine("docs", "metrics.md"));
        var documented = page
            .Where(l => l.StartsWith("| `mem0_gateway_", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim().Trim('`')).ToArray())
            .ToDictionary(c => c[1], c => c[2]);

        Assert.Equal(registered.OrderBy(f => f.Key), documented.OrderBy(f => f.Key));
    }

    [Fact]
    public async Task The_process_metrics_the_page_names_are_registered()
    {
        var registered = await GatewayMetricFamilies.ReadAsync();
        foreach (var name in new[] { "process_cpu_seconds_total", "process_working_set_bytes", "dotnet_collection_count_total" })
        {
            Assert.Contains(name, registered.Keys);
            Assert.Contains($"`{name}", File.ReadAllText(RepositoryPaths.Combine("docs", "metrics.md")));
        }
    }
}
