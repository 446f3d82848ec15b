using Microsoft.AspNetCore.Mvc;

namespace Mem0Gateway.Proxy;

/// <summary>Writes the gateway's own error answers as RFC 9457 <c>application/problem+json</c>.</summary>
public sealed class GatewayProblemResponder
{
    private readonly IProblemDetailsService _problemDetails;

    public GatewayProblemResponder(IProblemDetailsService problemDetails) => _problemDetails = problemDetails;

    /// <summary>Never echoes the request path or body: they may hold a user id or a memory.</summary>
    public async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}",
        };
        await _problemDetails.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
