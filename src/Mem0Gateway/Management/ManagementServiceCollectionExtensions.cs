using Mem0Gateway.Configuration;

namespace Mem0Gateway.Management;

public static class ManagementServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayOptions<ManagementOptions, ManagementOptionsValidator>(ManagementOptions.SectionName);
        return services;
    }

    /// <summary>Runs after routing, so it knows which endpoint (and so whether a token is needed).</summary>
    public static IApplicationBuilder UseManagementToken(this IApplicationBuilder app) => app.UseMiddleware<ManagementTokenMiddleware>();
}
