using Mem0Gateway.Configuration;

namespace Mem0Gateway.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayOptions<PrivacyOptions, PrivacyOptionsValidator>(PrivacyOptions.SectionName);
        services.AddSingleton<PersonalIdProtector>();
        services.AddSingleton<RequestUrlRedactor>();
        return services;
    }
}
