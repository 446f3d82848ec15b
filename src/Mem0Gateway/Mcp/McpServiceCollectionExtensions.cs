using Mem0Gateway.Configuration;
using Mem0Gateway.Scraping;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;

namespace Mem0Gateway.Mcp;

public static class McpServiceCollectionExtensions
{
    /// <summary>
    /// MCP session and tool-call metrics and spans (<c>Gateway:Mcp</c>). Nothing is registered when metrics are off:
    /// there would be nowhere to report.
    /// </summary>
    public static IServiceCollection AddGatewayMcp(this IServiceCollection services, IConfiguration configuration, GatewayOptions gateway)
    {
        services.AddGatewayOptions<McpOptions, McpOptionsValidator>(McpOptions.SectionName);
        var mcp = configuration.GetSection(McpOptions.SectionName).Get<McpOptions>() ?? new McpOptions();
        if (!gateway.Metrics.Enabled || !mcp.Enabled)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<McpMetrics>();
        services.AddSingleton<McpCallTracker>();
        services.AddSingleton<McpSessionRegistry>();
        services.AddSingleton<McpTraffic>();
        // Tool calls whose result never came are counted as timed out when /metrics is read: no timer per call.
        services.AddScrapeCallback<McpSessionRegistry>(sessions => sessions.ExpirePendingCalls());
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(McpSpanAttributes.SourceName));
        return services;
    }

    /// <summary>The YARP pipeline step of what <see cref="AddGatewayMcp"/> switched on.</summary>
    public static IApplicationBuilder UseGatewayMcp(this IApplicationBuilder pipeline)
    {
        if (pipeline.ApplicationServices.GetService<McpSessionRegistry>() is not null)
        {
            pipeline.UseMiddleware<McpTrafficMiddleware>();
        }

        return pipeline;
    }
}
