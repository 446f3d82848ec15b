namespace Mem0Gateway.Health;

/// <summary>Wraps services YARP registers (many of them internal types) without replacing what they do.</summary>
internal static class ServiceCollectionDecoration
{
    /// <summary>Replaces every registration of <typeparamref name="TService"/> by <paramref name="decorate"/>(original).</summary>
    public static IServiceCollection Decorate<TService>(this IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(TService) || descriptor.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Describe(
                typeof(TService),
                provider => decorate(provider, (TService)CreateOriginal(provider, descriptor)),
                descriptor.Lifetime);
        }

        return services;
    }

    private static object CreateOriginal(IServiceProvider provider, ServiceDescriptor descriptor)
        => descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);
}
