using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>The monitoring contract names the metrics the gateway actually registers: no more, no fewer.</summary>
public sealed class MetricContractTests
{
    [Fact]
    public async Task The_contract_lists_exactly_the_gateway_families_the_registry_holds()
    {
        var registered = (await GatewayMetricFamilies.ReadAsync()).Keys
            .Where(n => n.StartsWith("mem0_gateway_", StringComparison.Ordinal))
            .ToHashSet();
        Assert.Equal(
            registered.Order(StringComparer.Ordinal),
            Contract.GatewayMetrics.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_process_metric_of_the_contract_is_registered()
    {
        var registered = (await GatewayMetricFamilies.ReadAsync()).Keys;
        Assert.Subset(registered.ToHashSet(), Contract.ProcessMetrics.ToHashSet());
    }
}
