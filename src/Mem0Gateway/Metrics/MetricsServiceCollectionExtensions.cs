using Mem0Gateway.Configuration;
using Mem0Gateway.Proxy;
using Prometheus;

namespace Mem0Gateway.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// The gateway's own registry with process and GC metrics, the .NET runtime meter, and the request metrics when
    /// switched on. prometheus-net's default adapters are deliberately not started as they are: they turn on every
    /// ASP.NET Core, Kestrel and HttpClient instrument in the process, and several of those record on every proxied request.
    /// </summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(_ =>
        {
            var registry = Prometheus.Metrics.NewCustomRegistry();
            ProcessMetricsCollector.Register(registry);
            return registry;
        });
        services.AddSingleton<GatewayMetrics>();
        services.AddHostedService<RuntimeMetricsPublisher>();
        if (options.Metrics.Enabled)
        {
            services.AddSingleton<IProxyRequestObserver, RequestMetricsObserver>();
        }

        return services;
    }
}
