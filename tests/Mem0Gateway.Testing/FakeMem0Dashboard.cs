using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 shaped like today's mem0 dashboard (Next.js): its
/// middleware lets <c>/_next</c>, <c>/api/auth</c>, <c>/api/health</c>, <c>/fonts</c> and <c>/favicon</c> through and
/// answers every other page without a <c>mem0_refresh_token</c> cookie with a 307 to <c>/login?next=…</c> (absolute,
/// naming <c>localhost</c>, as <c>next start</c> does); <c>/</c>, <c>/login</c> and <c>/setup</c> first ask the server's
/// setup status server-side. <c>/api/auth/refresh</c> refreshes the session server-side (user agent <c>node</c>, through
/// <see cref="ApiInternalUrl"/>) and rotates the cookie.
/// </summary>
public sealed class FakeMem0Dashboard : IAsyncDisposable
{
    public const string SessionCookie = "mem0_refresh_token";

    private readonly HttpClient _server = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null });
    private WebApplication? _app;

    private FakeMem0Dashboard(int port) => Port = port;

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>API_INTERNAL_URL: where server-side calls go.</summary>
    public Uri? ApiInternalUrl { get; set; }

    /// <summary>Redirects name the dashboard's own address (http://localhost:PORT/...) rather than a bare path.</summary>
    public bool AbsoluteRedirects { get; set; } = true;

    /// <summary>Script put into the /login page (a browser test's stand-in for the dashboard's client code).</summary>
    public string LoginPageScript { get; set; } = string.Empty;

    public static async Task<FakeMem0Dashboard> StartAsync(Uri? apiInternalUrl = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var dashboard = new FakeMem0Dashboard(FreePorts.Allocate()) { ApiInternalUrl = apiInternalUrl };
            try
            {
                await dashboard.StartCoreAsync();
                return dashboard;
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }

    private async Task StartCoreAsync()
    {
        _server.DefaultRequestHeaders.UserAgent.ParseAdd("node");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.Use(MiddlewareAsync);
        app.MapGet("/api/health", () => Results.Json(new { status = "ok" }));
        app.MapGet("/_next/static/{**asset}", () => Results.Text("console.log('chunk')", "application/javascript"));
        app.MapGet("/fonts/{**font}", () => Results.Bytes([0, 1, 0, 0], "font/woff2"));
        app.MapGet("/favicon.ico", () => Results.Bytes([0, 0, 1, 0], "image/x-icon"));
        app.MapMethods("/api/auth/refresh", ["POST", "PUT"], (Func<HttpContext, Task<IResult>>)RefreshAsync);
        app.MapGet("/login", () => Results.Content(
            $"<!DOCTYPE html><html><head><title>Login</title></head><body><div id=\"out\">pending</div><script>{LoginPageScript}</script></body></html>",
            "text/html"));
        app.MapGet("/setup", () => Results.Content("<!DOCTYPE html><html><body>Setup</body></html>", "text/html"));
        app.MapGet("/{**page}", () => Results.Content("<!DOCTYPE html><html><body>Dashboard</body></html>", "text/html"));
        await app.StartAsync();
        _app = app;
    }

    private async Task MiddlewareAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/_next", StringComparison.Ordinal) || path.StartsWith("/api/auth", StringComparison.Ordinal)
            || path.StartsWith("/api/health", StringComparison.Ordinal) || path.StartsWith("/fonts", StringComparison.Ordinal)
            || path.StartsWith("/favicon", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        if (path is "/" or "/login" or "/setup" && ApiInternalUrl is { } api && await NeedsSetupAsync(api) && path != "/setup")
        {
            Redirect(context, "/setup");
            return;
        }

        if (path is not ("/login" or "/setup") && !context.Request.Cookies.ContainsKey(SessionCookie))
        {
            Redirect(context, "/login?next=" + Uri.EscapeDataString(path));
            return;
        }

        await next(context);
    }

    /// <summary>The middleware's setup check; like the real one, an unreachable API does not break the page.</summary>
    private async Task<bool> NeedsSetupAsync(Uri api)
    {
        using var answer = await _server.GetAsync(new Uri(api, "auth/setup-status"));
        return answer.IsSuccessStatusCode && (bool?)(await answer.Content.ReadFromJsonAsync<JsonObject>())?["needsSetup"] == true;
    }

    private void Redirect(HttpContext context, string target)
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = AbsoluteRedirects ? $"http://localhost:{Port}{target}" : target;
    }

    private async Task<IResult> RefreshAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(SessionCookie, out var refresh) || ApiInternalUrl is not { } api)
        {
            return Results.Json(new { error = "No session" }, statusCode: 401);
        }

        using var answer = await _server.PostAsJsonAsync(new Uri(api, "auth/refresh"), new { refresh_token = refresh });
        if (!answer.IsSuccessStatusCode)
        {
            context.Response.Cookies.Delete(SessionCookie);
            return Results.Json(new { error = "Session expired" }, statusCode: 401);
        }

        var tokens = await answer.Content.ReadFromJsonAsync<JsonObject>();
        context.Response.Cookies.Append(SessionCookie, (string)tokens!["refresh_token"]!, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = TimeSpan.FromDays(30),
        });
        return Results.Json(new { access_token = (string?)tokens["access_token"] });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _server.Dispose();
    }
}
