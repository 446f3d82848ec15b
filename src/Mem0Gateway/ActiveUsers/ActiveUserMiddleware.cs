using System.Collections.Frozen;
using Mem0Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// YARP pipeline step that finds the mem0 user a request names (query <c>user_id</c>, a <c>{user_id}</c> route value,
/// or <c>user_id</c> in a small JSON body on the configured routes) and counts it in <see cref="ActiveUserEstimator"/>.
/// Bodies of other routes are never read.
/// </summary>
internal sealed class ActiveUserMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ActiveUserEstimator _estimator;
    private Settings _settings;

    public ActiveUserMiddleware(RequestDelegate next, ActiveUserEstimator estimator, IOptionsMonitor<ActiveUsersOptions> options)
    {
        _next = next;
        _estimator = estimator;
        _settings = new Settings(options.CurrentValue);
        options.OnChange(changed => _settings = new Settings(changed));
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteDescriptor>() is not { } route)
        {
            return _next(context);
        }

        var settings = _settings;
        var request = context.Request;
        if (request.RouteValues.TryGetValue("user_id", out var routeUser) && routeUser is string { Length: > 0 } pathUser)
        {
            _estimator.Record(route.Service, pathUser);
        }
        else if (QueryParameter.Find(request.QueryString.Value, "user_id") is { } queryUser && !settings.IgnoreQueryRoutes.Contains(route.RouteId))
        {
            _estimator.Record(route.Service, queryUser);
        }
        else if (settings.BodyRoutes.Contains(route.RouteId) && SmallJsonBody.IsPeekable(request, settings.MaxBodyPeekBytes))
        {
            return PeekThenForwardAsync(context, route.Service, settings.MaxBodyPeekBytes);
        }

        return _next(context);
    }

    private async Task PeekThenForwardAsync(HttpContext context, string service, int limit)
    {
        if (await SmallJsonBody.PeekAsync(context.Request, limit, JsonUserId.Find) is { Length: > 0 } userId)
        {
            _estimator.Record(service, userId);
        }

        await _next(context);
    }

    private sealed class Settings(ActiveUsersOptions options)
    {
        public FrozenSet<string> BodyRoutes { get; } = options.BodyRoutes.ToFrozenSet(StringComparer.Ordinal);

        public FrozenSet<string> IgnoreQueryRoutes { get; } = options.IgnoreQueryRoutes.ToFrozenSet(StringComparer.Ordinal);

        public int MaxBodyPeekBytes { get; } = options.MaxBodyPeekBytes;
    }
}
