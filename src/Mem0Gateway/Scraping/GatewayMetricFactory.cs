using Prometheus;

namespace Mem0Gateway.Scraping;

/// <summary>
/// The factory every feature creates its metric families with, on the gateway's registry. Exemplars are off unless a
/// metric asks for them: prometheus-net would otherwise attach the current trace to every counter and histogram,
/// sampled or not, and only the request-duration histogram's exemplars lead to a trace that was kept.
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
