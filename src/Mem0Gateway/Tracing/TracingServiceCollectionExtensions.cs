using System.Diagnostics;
using Mem0Gateway.Configuration;
using Mem0Gateway.Proxy;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Mem0Gateway.Tracing;

public static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry tracing of the proxy ports: one SERVER span per request (continuing an incoming traceparent), one
    /// CLIENT span per upstream attempt (<see cref="UpstreamSpans"/>) whose id the upstream receives as parent. The sampler comes from
    /// <c>OTEL_TRACES_SAMPLER</c>/<c>_ARG</c> (default parent-based always-on); spans leave over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set. Without an endpoint (and
    /// without a sampler setting) only traces the caller sampled are recorded.
    /// </summary>
    public static IServiceCollection AddGatewayTracing(this IServiceCollection services, IConfiguration configuration, GatewayOptions options)
    {
        services.AddSingleton<IForwarderHttpClientFactory, TraceContextPassThroughHttpClientFactory>();
        if (!options.Tracing.Enabled)
        {
            return services;
        }

        services.AddSingleton<IProxyRequestObserver, ProxyTraceObserver>();
        services.AddSingleton<UpstreamSpans>();
        services.AddSingleton<ITransformProvider, UpstreamSpanTransformProvider>();
        var exportOverOtlp = TraceExportTarget.Endpoint(configuration) is not null;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TelemetryServiceName.From(configuration)))
            .WithTracing(tracing =>
            {
                tracing
                    // ASP.NET Core's own SERVER span, whose HTTP conventions ProxyTraceObserver writes (it knows the
                    // route), and the gateway's CLIENT span. Cheaper than the instrumentation packages'
                    // diagnostic-listener callbacks, which did the same per request.
                    .AddSource(ProxyTrafficOnlyProcessor.ServerSource)
                    .AddSource(UpstreamSpans.SourceName)
                    // Scrapes and health checks of the management port are not traffic anyone wants to trace.
                    .AddProcessor(new ProxyTrafficOnlyProcessor());
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
