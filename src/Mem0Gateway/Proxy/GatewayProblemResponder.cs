using Microsoft.AspNetCore.Mvc;

namespace Mem0Gateway.Proxy;

/// <summary>Writes the gateway's own error answers as RFC 9457 <c>application/problem+json</c>.</summary>
public sealed class GatewayProblemResponder
{
    private readonly IProblemDetailsService _problemDetails;
    private readonly BrowserOriginPolicy _origins;

    public GatewayProblemResponder(IProblemDetailsService problemDetails, BrowserOriginPolicy origins)
    {
        _problemDetails = problemDetails;
        _origins = origins;
    }

    /// <summary>Never echoes the request path or body: they may hold a user id or a memory.</summary>
    public async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        // Without CORS headers a browser script sees a network error instead of this answer.
        _origins.ApplyToGatewayAnswer(context);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}",
        };
        if (!await _problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            // The client's Accept rules out JSON (an SSE client asks for text/event-stream only). A gateway error still
            // has to say what happened: write problem+json anyway rather than fail with a 500.
            problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier;
            context.Response.ContentType = "application/problem+json";
            await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, problem, cancellationToken: context.RequestAborted);
        }
    }
}
