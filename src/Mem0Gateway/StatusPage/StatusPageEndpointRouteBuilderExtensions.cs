using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.StatusPage;

public static class StatusPageEndpointRouteBuilderExtensions
{
    public const string PagePath = "/";
    public const string DataPath = "/status.json";
    private const string PageResource = "Mem0Gateway.StatusPage.status-page.html";

    /// <summary>
    /// <c>/</c>: one self-contained HTML page (styles and script inline, nothing fetched from elsewhere) that polls
    /// <c>/status.json</c>. Returns null when the page is switched off. The caller decides port and token.
    /// </summary>
    public static StatusPageEndpoints? MapGatewayStatusPage(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<StatusPageOptions>>().Value.Enabled)
        {
            return null;
        }

        var html = ReadPage();
        // Plain RequestDelegates: a delegate with inferred parameters would pull in the minimal-API binder (and its
        // expression compiler) for two fixed responses.
        var page = endpoints.MapGet(PagePath, context =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-cache";
            // Inline script and style only; the page talks to its own origin and nothing else.
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = html.Length;
            return context.Response.Body.WriteAsync(html, context.RequestAborted).AsTask();
        });
        var data = endpoints.MapGet(DataPath, (RequestDelegate)WriteDataAsync);
        return new StatusPageEndpoints(page, data);
    }

    private static async Task WriteDataAsync(HttpContext context)
    {
        var writer = context.RequestServices.GetRequiredService<StatusReportWriter>();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.Write(json);
        await json.FlushAsync(context.RequestAborted);
    }

    private static byte[] ReadPage()
    {
        using var stream = typeof(StatusPageEndpointRouteBuilderExtensions).Assembly.GetManifestResourceStream(PageResource)
            ?? throw new InvalidOperationException($"The status page resource {PageResource} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
