using Mem0Gateway.Configuration;

namespace Mem0Gateway.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>()
            .Bind(configuration.GetSection(PrivacyOptions.SectionName))
            // Throws naming the file: an empty key file must not fall back to a random key (tokens that never join up).
            .Validate(o =>
            {
                SecretFile.ReadOrInline(o.HashKeyFile, o.HashKey, PrivacyOptions.KeyFileSetting);
                return true;
            })
            .ValidateOnStart();
        services.AddSingleton<PersonalIdProtector>();
        return services;
    }
}
