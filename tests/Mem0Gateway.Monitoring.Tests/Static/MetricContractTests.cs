using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>The monitoring contract names the metrics the gateway actually registers: no more, no fewer.</summary>
public sealed class MetricContractTests
{
    /// <summary>
    /// In the contract ahead of the code that registers them. The list only shrinks: once a family is registered, the
    /// test fails until it is removed from here.
    /// </summary>
    private static readonly Dictionary<string, string> Announced = new()
    {
        ["mem0_gateway_active_users_cluster"] = "cluster-wide active users (Redis), not merged yet",
        ["mem0_gateway_active_users_store_up"] = "cluster-wide active users (Redis), not merged yet",
    };

    [Fact]
    public async Task The_contract_lists_exactly_the_gateway_families_the_registry_holds()
    {
        var registered = (await GatewayMetricFamilies.ReadAsync()).Keys
            .Where(n => n.StartsWith("mem0_gateway_", StringComparison.Ordinal))
            .ToHashSet();
        Assert.Empty(registered.Intersect(Announced.Keys));
        Assert.Equal(
            registered.Order(StringComparer.Ordinal),
            Contract.GatewayMetrics.Except(Announced.Keys).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_process_metric_of_the_contract_is_registered()
    {
        var registered = (await GatewayMetricFamilies.ReadAsync()).Keys;
        Assert.Subset(registered.ToHashSet(), Contract.ProcessMetrics.ToHashSet());
    }
}
