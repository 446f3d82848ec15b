using Mem0Gateway.Configuration;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Auth-method and per-API-key metrics (<c>Gateway:Auth</c>); nothing when metrics are off.</summary>
    public static IServiceCollection AddGatewayAuthMetrics(this IServiceCollection services, IConfiguration configuration, GatewayOptions gateway)
    {
        services.AddGatewayOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.SectionName);
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        if (!gateway.Metrics.Enabled || !options.Enabled)
        {
            return services;
        }

        services.AddSingleton(sp => new AuthMethodPolicy(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value));
        services.AddSingleton(sp => new ApiKeyLabelPolicy(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value,
            sp.GetRequiredService<Privacy.PersonalIdProtector>()));
        services.AddSingleton<AuthMetrics>();
        services.AddSingleton<IProxyRequestObserver, AuthMetricsObserver>();
        return services;
    }
}
