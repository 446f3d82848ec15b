namespace Mem0Gateway.Management;

public static class ManagementServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ManagementOptions>().Bind(configuration.GetSection("Gateway:Management"));
        return services;
    }

    /// <summary>Runs after routing, so it knows which endpoint (and so whether a token is needed).</summary>
    public static IApplicationBuilder UseManagementToken(this IApplicationBuilder app) => app.UseMiddleware<ManagementTokenMiddleware>();
}
