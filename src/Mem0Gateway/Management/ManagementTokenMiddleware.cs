using System.Security.Cryptography;
using System.Text;
using Mem0Gateway.Configuration;
using Mem0Gateway.Proxy;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mem0Gateway.Management;

/// <summary>Checks the bearer token of endpoints marked with <see cref="ManagementTokenRequiredMetadata"/>.</summary>
internal sealed class ManagementTokenMiddleware
{
    private readonly RequestDelegate _next;
    private readonly byte[]? _token;

    public ManagementTokenMiddleware(RequestDelegate next, IOptions<ManagementOptions> options)
    {
        _next = next;
        _token = options.Value.ReadToken() is { } token ? Encoding.UTF8.GetBytes(token) : null;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_token is null || context.GetEndpoint()?.Metadata.GetMetadata<ManagementTokenRequiredMetadata>() is null || HasToken(context))
        {
            return _next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.RequestServices.GetRequiredService<GatewayProblemResponder>()
            .WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "This management endpoint needs the management bearer token.");
    }

    private bool HasToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString());
        return CryptographicOperations.FixedTimeEquals(presented, _token);
    }
}
