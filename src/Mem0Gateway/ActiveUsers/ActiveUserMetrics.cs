using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// The active-user gauges, created on the gateway's registry (names are a contract: docs/metrics.md). Label values
/// are bounded: service and window come from config. No user id or hash is ever a label.
/// </summary>
public sealed class ActiveUserMetrics
{
    public ActiveUserMetrics(CollectorRegistry registry)
    {
        var factory = GatewayMetricFactory.For(registry);

        Local = factory.CreateGauge(
            "mem0_gateway_active_users",
            "Estimated distinct mem0 users that made a request in the window, seen by THIS replica only: never sum across replicas (HyperLogLog over keyed hashes; see the README for the error bound; cluster-wide: mem0_gateway_active_users_cluster).",
            new GaugeConfiguration { LabelNames = ["service", "window"] });

        Cluster = factory.CreateGauge(
            "mem0_gateway_active_users_cluster",
            "Estimated distinct mem0 users over all replicas (Redis HyperLogLog); every replica reports the same value, so aggregate with max, never sum. While Redis is unreachable: this replica's own estimate (see mem0_gateway_active_users_store_up).",
            new GaugeConfiguration { LabelNames = ["service", "window"] });

        StoreUp = factory.CreateGauge(
            "mem0_gateway_active_users_store_up",
            "1 while the shared active-user store (Redis) answers, 0 while it does not and the cluster count falls back to this replica's estimate. Absent when no store is configured.",
            new GaugeConfiguration { SuppressInitialValue = true });
    }

    /// <summary><c>mem0_gateway_active_users</c>: this replica's estimate.</summary>
    public Gauge Local { get; }

    public Gauge Cluster { get; }

    public Gauge StoreUp { get; }
}
