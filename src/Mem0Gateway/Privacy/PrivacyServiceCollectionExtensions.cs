namespace Mem0Gateway.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection("Gateway:Privacy"));
        services.AddSingleton<PersonalIdProtector>();
        services.AddSingleton<RequestUrlRedactor>();
        return services;
    }
}
