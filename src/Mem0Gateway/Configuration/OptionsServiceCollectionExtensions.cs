using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Configuration;

public static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// The one way an options class is bound: to its section, validated by <typeparamref name="TValidator"/> when the
    /// gateway starts, so a bad value stops start-up with an error that names the key and the value.
    /// </summary>
    public static OptionsBuilder<TOptions> AddGatewayOptions<TOptions, TValidator>(this IServiceCollection services, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }
}
