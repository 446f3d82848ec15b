using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 shaped like today's mem0 server (FastAPI): JWT login
/// with a per-client-IP rate limit (10/min, 429), refresh tokens, <c>X-API-Key: m0sk_…</c> keys (401 "Invalid API key."),
/// CORS that allows only <see cref="DashboardOrigin"/> (other preflights get 400), and uvicorn's rule for
/// <c>X-Forwarded-For</c>: honoured only from the peers in <see cref="ForwardedAllowIps"/>.
/// </summary>
public sealed class FakeMem0Server : IAsyncDisposable
{
    public const int LoginLimitPerMinute = 10;

    private readonly ConcurrentQueue<RecordedServerRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _loginAttempts = new();
    private readonly ConcurrentDictionary<string, string> _accessTokens = new();
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, bool> _apiKeys = new();
    private WebApplication? _app;

    private FakeMem0Server(int port) => Port = port;

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The one origin CORS allows (mem0's DASHBOARD_URL); null: no cross-origin access at all.</summary>
    public string? DashboardOrigin { get; set; }

    /// <summary>uvicorn's FORWARDED_ALLOW_IPS (default 127.0.0.1).</summary>
    public HashSet<string> ForwardedAllowIps { get; } = ["127.0.0.1"];

    public string AdminEmail { get; set; } = "admin@example.com";

    public string AdminPassword { get; set; } = "correct horse battery staple";

    public bool NeedsSetup { get; set; }

    public IReadOnlyCollection<RecordedServerRequest> Requests => _requests;

    /// <summary>Creates an API key the server accepts, as POST /api-keys would: m0sk_ + 43 url-safe characters.</summary>
    public string CreateApiKey()
    {
        var key = "m0sk_" + Base64Url(32)[..43];
        _apiKeys[key] = true;
        return key;
    }

    public static string RandomApiKey() => "m0sk_" + Base64Url(32)[..43];

    public static async Task<FakeMem0Server> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new FakeMem0Server(FreePorts.Allocate());
            try
            {
                await server.StartCoreAsync();
                return server;
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }

    private async Task StartCoreAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            _requests.Enqueue(RecordedServerRequest.From(context, ClientIp(context)));
            if (!ApplyCors(context))
            {
                return;
            }

            await next(context);
        });
        app.MapGet("/openapi.json", () => Results.Json(new { openapi = "3.1.0" }));
        app.MapGet("/auth/setup-status", () => Results.Json(new { needsSetup = NeedsSetup }));
        app.MapPost("/auth/login", (Func<HttpContext, Task<IResult>>)LoginAsync);
        app.MapPost("/auth/register", () => Results.Json(new { detail = "Registration is closed." }, statusCode: 403));
        app.MapPost("/auth/refresh", (Func<HttpContext, Task<IResult>>)RefreshAsync);
        app.MapGet("/auth/me", (HttpContext c) => User(c) is { } email ? Results.Json(new { email, name = "Admin" }) : Unauthorized());
        app.MapMethods("/auth/me", ["PATCH"], (HttpContext c) => User(c) is { } email ? Results.Json(new { email }) : Unauthorized());
        app.MapPost("/auth/change-password", (HttpContext c) => User(c) is null ? Unauthorized() : Results.Json(new { ok = true }));
        app.MapPost("/auth/onboarding-complete", (HttpContext c) => User(c) is null ? Unauthorized() : Results.Json(new { ok = true }));
        app.MapGet("/api-keys", (HttpContext c) => User(c) is null ? Unauthorized()
            : Results.Json(_apiKeys.Keys.Select(k => new { prefix = k[..12] })));
        app.MapPost("/api-keys", (HttpContext c) => User(c) is null ? Unauthorized() : Results.Json(new { key = CreateApiKey() }, statusCode: 201));
        app.MapGet("/memories", (HttpContext c) => Caller(c) ? Results.Json(new { results = Array.Empty<object>() }) : Unauthorized());
        app.MapPost("/memories", (HttpContext c) => Caller(c) ? Results.Json(new { results = new[] { new { id = "m1", @event = "ADD" } } }) : Unauthorized());
        app.MapPost("/search", (HttpContext c) => Caller(c) ? Results.Json(new { results = Array.Empty<object>() }) : Unauthorized());
        app.MapGet("/entities", (HttpContext c) => Caller(c) ? Results.Json(Array.Empty<object>()) : Unauthorized());
        app.MapGet("/requests", (HttpContext c) => Caller(c) ? Results.Json(Array.Empty<object>()) : Unauthorized());
        await app.StartAsync();
        _app = app;
    }

    /// <summary>The client address the server sees, after uvicorn's proxy-headers rule.</summary>
    private string ClientIp(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress!.MapToIPv4().ToString();
        if (ForwardedAllowIps.Contains(peer) && context.Request.Headers["X-Forwarded-For"] is { Count: > 0 } forwarded)
        {
            // uvicorn takes the last address not itself trusted.
            var hops = forwarded.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return hops.Reverse().FirstOrDefault(h => !ForwardedAllowIps.Contains(h)) ?? peer;
        }

        return peer;
    }

    /// <summary>Starlette's CORSMiddleware with allow_origins=[DASHBOARD_URL], allow_credentials=True.</summary>
    private bool ApplyCors(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && origin == DashboardOrigin;
        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            if (!allowed)
            {
                context.Response.StatusCode = 400;
                context.Response.ContentType = "text/plain";
                _ = context.Response.WriteAsync("Disallowed CORS origin");
                return false;
            }

            context.Response.StatusCode = 200;
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.AccessControlAllowCredentials = "true";
            context.Response.Headers.AccessControlAllowMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
            context.Response.Headers.AccessControlAllowHeaders = context.Request.Headers.AccessControlRequestHeaders.ToString();
            context.Response.Headers.AccessControlMaxAge = "600";
            context.Response.Headers.Vary = "Origin";
            return false;
        }

        if (allowed)
        {
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.AccessControlAllowCredentials = "true";
            context.Response.Headers.Vary = "Origin";
        }

        return true;
    }

    private async Task<IResult> LoginAsync(HttpContext context)
    {
        var client = ClientIp(context);
        var attempts = _loginAttempts.AddOrUpdate(client, 1, (_, n) => n + 1);
        if (attempts > LoginLimitPerMinute)
        {
            return Results.Json(new { error = $"Rate limit exceeded: {LoginLimitPerMinute} per 1 minute" }, statusCode: 429);
        }

        var body = await JsonNode.ParseAsync(context.Request.Body);
        if ((string?)body?["email"] != AdminEmail || (string?)body?["password"] != AdminPassword)
        {
            return Results.Json(new { detail = "Invalid email or password." }, statusCode: 401);
        }

        return Results.Json(IssueTokens(AdminEmail));
    }

    private async Task<IResult> RefreshAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body);
        if ((string?)body?["refresh_token"] is not { } token || !_refreshTokens.TryRemove(token, out var email))
        {
            return Results.Json(new { detail = "Invalid refresh token." }, statusCode: 401);
        }

        return Results.Json(IssueTokens(email));
    }

    /// <summary>Signs nothing (nobody verifies it here) but looks like a JWT: three base64url parts.</summary>
    private object IssueTokens(string email)
    {
        var access = $"eyJhbGciOiJIUzI1NiJ9.{Base64Url(24)}.{Base64Url(32)}";
        var refresh = Base64Url(48);
        _accessTokens[access] = email;
        _refreshTokens[refresh] = email;
        return new { access_token = access, refresh_token = refresh, token_type = "bearer" };
    }

    private string? User(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _accessTokens.TryGetValue(authorization[7..], out var email) ? email : null;
    }

    private bool Caller(HttpContext context)
        => User(context) is not null
            || (context.Request.Headers["X-API-Key"].ToString() is { Length: > 0 } key && _apiKeys.ContainsKey(key));

    private static IResult Unauthorized() => Results.Json(new { detail = "Invalid API key." }, statusCode: 401);

    private static string Base64Url(int bytes)
        => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
