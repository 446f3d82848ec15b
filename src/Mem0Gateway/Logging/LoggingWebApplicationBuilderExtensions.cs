using Mem0Gateway.Configuration;
using Mem0Gateway.Proxy;
using Mem0Gateway.Scraping;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog.Extensions.Logging;

namespace Mem0Gateway.Logging;

public static class LoggingWebApplicationBuilderExtensions
{
    /// <summary>
    /// Every log line as ECS JSON on stdout, or as readable coloured lines for a person (<c>Gateway:LogFormat</c>; by
    /// default when stdout is a terminal); Serilog behind Microsoft.Extensions.Logging, levels from <c>Logging:LogLevel</c>;
    /// plus one access-log line per proxied request when <c>Gateway:AccessLog:Enabled</c>.
    /// </summary>
    public static WebApplicationBuilder AddGatewayLogging(this WebApplicationBuilder builder, GatewayOptions options)
    {
        builder.Logging.ClearProviders();
        // These two log each request's raw URL (query string, MCP user-id path) at Information/Debug; the access log
        // replaces them, redacted. Pinned here so no config level can bring them back.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Warning);
        // With every destination of a service down, YARP warns twice per request ("No available destinations") on top
        // of the access-log line that already says 503; the health module says once per destination that it is down.
        builder.Logging.AddFilter("Yarp.ReverseProxy.LoadBalancing.LoadBalancingMiddleware", LogLevel.Error);
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder.ForwarderMiddleware", LogLevel.Error);

        var services = builder.Services;
        services.TryAddSingleton(_ => GatewayLogOutput.StandardOutput());
        services.AddSingleton<GatewayLogPipeline>();
        services.AddSingleton<ILoggerProvider>(sp => new SerilogLoggerProvider(sp.GetRequiredService<GatewayLogPipeline>().Logger, dispose: false));
        // The drop path stays one interlocked increment; the counter catches up when /metrics is read.
        services.AddSingleton<LogMetrics>();
        services.AddScrapeCallback<LogMetrics, GatewayLogPipeline>((metrics, pipeline) => metrics.EventsDropped.IncTo(pipeline.DroppedEvents));
        if (options.AccessLog.Enabled)
        {
            services.AddSingleton<IProxyRequestObserver, AccessLogObserver>();
        }

        return builder;
    }
}
