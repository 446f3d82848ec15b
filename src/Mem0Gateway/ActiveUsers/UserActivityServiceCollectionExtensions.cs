using Mem0Gateway.Configuration;
using Mem0Gateway.Mcp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;

namespace Mem0Gateway.ActiveUsers;

public static class UserActivityServiceCollectionExtensions
{
    /// <summary>
    /// The distinct-user estimate (<c>Gateway:ActiveUsers</c>) and the MCP session and tool-call metrics
    /// (<c>Gateway:Mcp</c>). Nothing is registered when metrics are off: there would be nowhere to report.
    /// </summary>
    public static IServiceCollection AddGatewayUserActivity(this IServiceCollection services, IConfiguration configuration, GatewayOptions gateway)
    {
        services.AddGatewayOptions<ActiveUsersOptions, ActiveUsersOptionsValidator>(ActiveUsersOptions.SectionName);
        services.AddGatewayOptions<McpOptions, McpOptionsValidator>(McpOptions.SectionName);
        if (!gateway.Metrics.Enabled)
        {
            return services;
        }

        var activeUsers = configuration.GetSection(ActiveUsersOptions.SectionName).Get<ActiveUsersOptions>() ?? new ActiveUsersOptions();
        var mcp = configuration.GetSection(McpOptions.SectionName).Get<McpOptions>() ?? new McpOptions();
        if (activeUsers.Enabled)
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton<ActiveUserEstimator>();
        }

        if (mcp.Enabled)
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton<McpMetrics>();
            services.AddSingleton<McpCallTracker>();
            services.AddSingleton<McpSessionRegistry>();
            services.AddSingleton<McpTraffic>();
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(McpSpanAttributes.SourceName));
        }

        if (activeUsers.Enabled || mcp.Enabled)
        {
            services.AddHostedService<UserActivityScrapeHook>();
        }

        return services;
    }

    /// <summary>The YARP pipeline steps of what <see cref="AddGatewayUserActivity"/> switched on.</summary>
    public static IApplicationBuilder UseGatewayUserActivity(this IApplicationBuilder pipeline)
    {
        if (pipeline.ApplicationServices.GetService<ActiveUserEstimator>() is not null)
        {
            pipeline.UseMiddleware<ActiveUserMiddleware>();
        }

        if (pipeline.ApplicationServices.GetService<McpSessionRegistry>() is not null)
        {
            pipeline.UseMiddleware<McpTrafficMiddleware>();
        }

        return pipeline;
    }
}
