using Microsoft.AspNetCore.Http;

namespace Mem0Gateway.Testing;

/// <summary>What the mem0 server stand-in saw of one request.</summary>
public sealed record RecordedServerRequest(string Method, string Path, string ClientIp, string? UserAgent, string? Origin, string? ForwardedFor)
{
    public static RecordedServerRequest From(HttpContext context, string clientIp) => new(
        context.Request.Method,
        context.Request.Path.Value ?? "/",
        clientIp,
        context.Request.Headers.UserAgent.Count > 0 ? context.Request.Headers.UserAgent.ToString() : null,
        context.Request.Headers.Origin.Count > 0 ? context.Request.Headers.Origin.ToString() : null,
        context.Request.Headers["X-Forwarded-For"].Count > 0 ? context.Request.Headers["X-Forwarded-For"].ToString() : null);
}
