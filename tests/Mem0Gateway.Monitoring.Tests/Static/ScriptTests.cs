using System.Net;
using Mem0Gateway.Monitoring.Tests.Support;
using Mem0Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>scripts/monitor_health.sh and scripts/setup_monitoring.sh, run for real against loopback fakes.</summary>
public sealed class ScriptTests : IAsyncLifetime
{
    private const string HealthyBody = """{"status":"Healthy","totalDuration":"00:00:00.01","entries":{"mem0":{"status":"Healthy","duration":"00:00:00.01","data":{}},"openmemory":{"status":"Healthy","duration":"00:00:00.01","data":{}}}}""";
    private const string UnhealthyBody = """{"status":"Unhealthy","totalDuration":"00:00:00.01","entries":{"mem0":{"status":"Healthy","duration":"00:00:00.01","data":{}},"openmemory":{"status":"Unhealthy","description":"connection refused","duration":"00:00:00.01","data":{}}}}""";
    private const string TargetsUp = """{"status":"success","data":{"activeTargets":[{"labels":{"job":"gateway","instance":"gateway:19464"},"health":"up","lastError":""},{"labels":{"job":"node-exporter","instance":"node-exporter:9100"},"health":"up","lastError":""}],"droppedTargets":[]}}""";
    private const string TargetsOneDown = """{"status":"success","data":{"activeTargets":[{"labels":{"job":"gateway","instance":"gateway:19464"},"health":"up","lastError":""},{"labels":{"job":"postgres-exporter","instance":"postgres-exporter:9187"},"health":"down","lastError":"connection refused"}],"droppedTargets":[]}}""";

    private WebApplication? _app;
    private int _port;
    private volatile string _health = HealthyBody;
    private volatile int _healthStatus = 200;
    private volatile string _targets = TargetsUp;
    private volatile string? _requiredToken;

    public async Task InitializeAsync()
    {
        _port = FreePorts.Allocate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, _port));
        _app = builder.Build();
        _app.MapGet("/health/detailed", async ctx =>
        {
            if (_requiredToken is { } token && ctx.Request.Headers.Authorization != $"Bearer {token}")
            {
                ctx.Response.StatusCode = 401;
                return;
            }

            ctx.Response.StatusCode = _healthStatus;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(_health);
        });
        _app.MapGet("/api/v1/targets", async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(_targets);
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private Task<ProcessResult> MonitorAsync(string? gateway = null, string? prometheus = null, string tokenFile = "")
        => Tools.RunAsync("bash", [RepoPaths.File("scripts", "monitor_health.sh"), "--timeout", "5"], environment: new Dictionary<string, string?>
        {
            ["GATEWAY_MANAGEMENT_URL"] = gateway ?? $"http://127.0.0.1:{_port}",
            ["PROMETHEUS_URL"] = prometheus ?? $"http://127.0.0.1:{_port}",
            ["GATEWAY_TOKEN_FILE"] = tokenFile,
        });

    [Fact]
    public async Task Monitor_health_passes_when_the_gateway_is_healthy_and_every_target_is_up()
    {
        Tools.Require("curl");
        Tools.Require("python3");
        var result = await MonitorAsync();
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("HEALTHY", result.Stdout);
        Assert.Contains("all 2 targets up", result.Stdout);
    }

    [Fact]
    public async Task Monitor_health_fails_naming_the_unhealthy_upstream()
    {
        _health = UnhealthyBody;
        _healthStatus = 503;
        var result = await MonitorAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 503", result.Stderr);
        Assert.Contains("openmemory=Unhealthy (connection refused)", result.Stderr);
        Assert.DoesNotContain("mem0=", result.Stderr);
    }

    [Fact]
    public async Task Monitor_health_fails_naming_the_target_that_is_down()
    {
        _targets = TargetsOneDown;
        var result = await MonitorAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("postgres-exporter postgres-exporter:9187 is down (connection refused)", result.Stderr);
        Assert.Contains("1 of 2 targets not up", result.Stderr);
    }

    [Fact]
    public async Task Monitor_health_fails_clearly_when_nothing_answers()
    {
        var closed = FreePorts.Allocate();
        var result = await MonitorAsync($"http://127.0.0.1:{closed}", $"http://127.0.0.1:{closed}");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"gateway http://127.0.0.1:{closed}/health/detailed is unreachable", result.Stderr);
        Assert.Contains($"Prometheus http://127.0.0.1:{closed}/api/v1/targets is unreachable", result.Stderr);
        Assert.Contains("UNHEALTHY (2 problem(s))", result.Stderr);
    }

    [Fact]
    public async Task Monitor_health_sends_the_bearer_token_from_the_token_file()
    {
        _requiredToken = "s3cr3t-token";
        var tokenFile = Path.Combine(Directory.CreateTempSubdirectory("mem0gw-token-").FullName, "token");
        await File.WriteAllTextAsync(tokenFile, "s3cr3t-token\n");

        var without = await MonitorAsync();
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("answered 401: the bearer token is missing or wrong", without.Stderr);

        var with = await MonitorAsync(tokenFile: tokenFile);
        Assert.True(with.ExitCode == 0, with.Describe());
    }

    [Fact]
    public async Task Setup_creates_env_and_secrets_once_and_never_overwrites_them()
    {
        using var copy = await RepoCopy.CreateAsync();
        var first = await copy.InitAsync();
        Assert.Contains("created .env from .env.example", first.Stdout);
        var token = await File.ReadAllTextAsync(copy.Path("monitoring", "secrets", "gateway_metrics_token"));
        Assert.Matches("^[0-9a-f]{64}$", token);
        Assert.NotEqual(await File.ReadAllTextAsync(copy.Path("monitoring", "secrets", "gateway_metrics_token.example")), token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(copy.Path("monitoring", "secrets")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy.Path(".env")));
        Assert.Equal(await File.ReadAllTextAsync(copy.Path("monitoring", "secrets", "alertmanager_smtp_password.example")),
            await File.ReadAllTextAsync(copy.Path("monitoring", "secrets", "alertmanager_smtp_password")));

        await File.WriteAllTextAsync(copy.Path("monitoring", "secrets", "alertmanager_smtp_password"), "real");
        var second = await copy.InitAsync();
        Assert.DoesNotContain("created", second.Stdout);
        Assert.Equal("real", await File.ReadAllTextAsync(copy.Path("monitoring", "secrets", "alertmanager_smtp_password")));
        Assert.Equal(token, await File.ReadAllTextAsync(copy.Path("monitoring", "secrets", "gateway_metrics_token")));
    }

    [Fact]
    public async Task Setup_refuses_unknown_arguments()
    {
        var result = await Tools.RunAsync("bash", [RepoPaths.File("scripts", "setup_monitoring.sh"), "--bogus"]);
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("unknown argument: --bogus", result.Stderr);
    }
}
