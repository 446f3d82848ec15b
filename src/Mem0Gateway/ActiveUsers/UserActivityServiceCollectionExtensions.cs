using Mem0Gateway.Configuration;
using Mem0Gateway.Privacy;
using Mem0Gateway.Scraping;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mem0Gateway.ActiveUsers;

public static class UserActivityServiceCollectionExtensions
{
    /// <summary>
    /// The distinct-user estimate (<c>Gateway:ActiveUsers</c>), also offered as <see cref="IUserActivityRecorder"/> to
    /// modules that learn a user another way. Nothing is registered when metrics are off: there would be nowhere to report.
    /// </summary>
    public static IServiceCollection AddGatewayUserActivity(this IServiceCollection services, IConfiguration configuration, GatewayOptions gateway)
    {
        services.AddGatewayOptions<ActiveUsersOptions, ActiveUsersOptionsValidator>(ActiveUsersOptions.SectionName);
        var activeUsers = configuration.GetSection(ActiveUsersOptions.SectionName).Get<ActiveUsersOptions>() ?? new ActiveUsersOptions();
        if (!gateway.Metrics.Enabled || !activeUsers.Enabled)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ActiveUserMetrics>();
        services.AddSingleton<ActiveUserEstimator>();
        services.AddSingleton<IUserActivityRecorder>(sp => sp.GetRequiredService<ActiveUserEstimator>());
        if (!string.IsNullOrWhiteSpace(activeUsers.RedisConnectionString))
        {
            services.AddSingleton<RedisActiveUserStore>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisActiveUserStore>());
        }

        // The sliding-window sketches are merged into the gauges when /metrics is read, not per request.
        services.AddScrapeCallback<ActiveUserEstimator, ActiveUserMetrics>((activeUsers, metrics) => activeUsers.UpdateGauges(metrics));
        return services;
    }

    /// <summary>The YARP pipeline step of what <see cref="AddGatewayUserActivity"/> switched on.</summary>
    public static IApplicationBuilder UseGatewayUserActivity(this IApplicationBuilder pipeline)
    {
        if (pipeline.ApplicationServices.GetService<ActiveUserEstimator>() is not null)
        {
            pipeline.UseMiddleware<ActiveUserMiddleware>();
        }

        return pipeline;
    }
}
