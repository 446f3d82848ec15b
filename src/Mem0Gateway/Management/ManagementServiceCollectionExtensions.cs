using Mem0Gateway.Configuration;

namespace Mem0Gateway.Management;

public static class ManagementServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ManagementOptions>()
            .Bind(configuration.GetSection(ManagementOptions.SectionName))
            // Throws naming the file: a missing or empty token file stops the start instead of turning auth off.
            .Validate(o =>
            {
                SecretFile.ReadOrInline(o.BearerTokenFile, o.BearerToken, ManagementOptions.TokenFileSetting);
                return true;
            })
            .ValidateOnStart();
        return services;
    }

    /// <summary>Runs after routing, so it knows which endpoint (and so whether a token is needed).</summary>
    public static IApplicationBuilder UseManagementToken(this IApplicationBuilder app) => app.UseMiddleware<ManagementTokenMiddleware>();
}
