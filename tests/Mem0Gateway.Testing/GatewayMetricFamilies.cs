using System.Text;
using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Auth;
using Mem0Gateway.Configuration;
using Mem0Gateway.Health;
using Mem0Gateway.Logging;
using Mem0Gateway.Mcp;
using Mem0Gateway.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Mem0Gateway.Testing;

/// <summary>
/// The one list of metric names: read from the registry the gateway builds (as <c>AddGatewayMetrics</c> and the feature modules compose it),
/// not written down again. Documentation and the monitoring contract are checked against it.
/// </summary>
public static class GatewayMetricFamilies
{
    /// <summary>Family name to Prometheus type (counter, gauge, histogram, ...), for every family the registry exposes.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync()
    {
        var services = new ServiceCollection();
        services.AddGatewayMetrics(new GatewayOptions());
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<GatewayMetrics>();
        var registry = provider.GetRequiredService<CollectorRegistry>();
        // The feature modules' own families, on the same registry as the gateway creates them.
        _ = new HealthMetrics(registry);
        _ = new AuthMetrics(registry);
        _ = new LogMetrics(registry);
        _ = new ActiveUserMetrics(registry);
        _ = new McpMetrics(registry);
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);

        var families = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Encoding.UTF8.GetString(text.ToArray()).Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal) && line.Split(' ') is [_, _, var name, var type])
            {
                families[name] = type;
            }
        }

        return families;
    }
}
