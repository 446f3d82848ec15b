using Prometheus;

namespace Mem0Gateway.Scraping;

public static class ScrapeCallbackServiceCollectionExtensions
{
    /// <summary>
    /// Calls <paramref name="onScrape"/> with the <typeparamref name="TService"/> singleton once at host start and then
    /// before every collection of the gateway's registry, until the host stops.
    /// </summary>
    public static IServiceCollection AddScrapeCallback<TService>(this IServiceCollection services, Action<TService> onScrape)
        where TService : notnull
        => services.AddScrapeCallback(sp =>
        {
            var service = sp.GetRequiredService<TService>();
            return () => onScrape(service);
        });

    /// <summary>The same with two singletons (a feature's metrics and the state they report, say).</summary>
    public static IServiceCollection AddScrapeCallback<TFirst, TSecond>(this IServiceCollection services, Action<TFirst, TSecond> onScrape)
        where TFirst : notnull
        where TSecond : notnull
        => services.AddScrapeCallback(sp =>
        {
            var first = sp.GetRequiredService<TFirst>();
            var second = sp.GetRequiredService<TSecond>();
            return () => onScrape(first, second);
        });

    // Registered as a plain IHostedService, not with AddHostedService: that de-duplicates by implementation type, and
    // every feature's callback is the same type.
    private static IServiceCollection AddScrapeCallback(this IServiceCollection services, Func<IServiceProvider, Action> bind)
        => services.AddSingleton<IHostedService>(sp => new ScrapeCallback(sp.GetRequiredService<CollectorRegistry>(), bind(sp)));
}
