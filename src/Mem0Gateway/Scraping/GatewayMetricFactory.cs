using Prometheus;

namespace Mem0Gateway.Scraping;

/// <summary>
/// The factory every feature creates its metric families with, on the gateway's registry. No observation gets an
/// exemplar unless it passes one: prometheus-net would otherwise attach the current trace to every counter and
/// histogram, sampled or not. The request-duration histogram passes its own, for recorded traces only.
/// </summary>
public static class GatewayMetricFactory
{
    public static IMetricFactory For(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        return factory;
    }
}
