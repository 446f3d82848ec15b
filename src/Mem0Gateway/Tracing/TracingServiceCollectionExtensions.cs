using System.Diagnostics;
using Mem0Gateway.Configuration;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Tracing;

public static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry tracing of the proxy ports: one SERVER span per request (continuing an incoming traceparent), one
    /// CLIENT span per upstream attempt whose id the upstream receives as parent. The sampler comes from
    /// <c>OTEL_TRACES_SAMPLER</c>/<c>_ARG</c> (default parent-based always-on); spans leave over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set. Without an endpoint (and
    /// without a sampler setting) only traces the caller sampled are recorded.
    /// </summary>
    public static IServiceCollection AddGatewayTracing(this IServiceCollection services, IConfiguration configuration, GatewayOptions options)
    {
        if (!options.Tracing.Enabled)
        {
            services.AddSingleton<IForwarderHttpClientFactory, TraceContextPassThroughHttpClientFactory>();
            return services;
        }

        services.AddSingleton<IProxyRequestObserver, ProxyTraceObserver>();
        var exportOverOtlp = TraceExportTarget.Endpoint(configuration) is not null;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TelemetryServiceName.From(configuration)))
            .WithTracing(tracing =>
            {
                tracing
                    // .NET 10's own spans: HttpClient's carries the HTTP client conventions itself, and the SERVER span's
                    // are written by ProxyTraceObserver, which knows the route. Cheaper than the instrumentation
                    // packages' diagnostic-listener callbacks, which did the same per request.
                    .AddSource(ProxyTrafficOnlyProcessor.ServerSource)
                    .AddSource(ProxyTrafficOnlyProcessor.ClientSource)
                    // Scrapes, health checks of the management port and YARP's active health probes are not traffic
                    // anyone wants to trace.
                    .AddProcessor(new ProxyTrafficOnlyProcessor())
                    .AddProcessor(sp => new SpanPrivacyProcessor(sp.GetRequiredService<RequestUrlRedactor>()));
                // YARP's "Yarp.ReverseProxy" source is deliberately not added: its proxy.forwarder span is a second SERVER
                // span between ours and the CLIENT span, and its health-probe spans are noise.
                if (exportOverOtlp)
                {
                    tracing.AddOtlpExporter();
                }
                else if (string.IsNullOrWhiteSpace(configuration[SamplerVariable]))
                {
                    // Nowhere to send spans: record only traces a caller already sampled (so the upstream still hears
                    // "sampled"), and give the rest unrecorded activities, which keep their trace ids for X-Trace-Id and
                    // the logs but cost about what tracing off costs (perf/RESULTS.md, run E).
                    tracing.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
                }
            });
        return services;
    }

    private const string SamplerVariable = "OTEL_TRACES_SAMPLER";
}
