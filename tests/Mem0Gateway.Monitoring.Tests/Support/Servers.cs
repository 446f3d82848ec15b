using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>A real server binary from Debian (prometheus, prometheus-alertmanager) on a free loopback port, in a temp dir.</summary>
public abstract class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    protected ServerProcess(string tool, Func<string, int, IEnumerable<string>> args, string configFileName, string configText)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory($"mem0gw-{tool}-").FullName;
        ConfigPath = Path.Combine(Directory, configFileName);
        File.WriteAllText(ConfigPath, configText);
        Port = FreePorts.Allocate();
        var psi = new ProcessStartInfo(Tools.Require(tool)) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args(Directory, Port))
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public string Log { get { lock (_log) { return _log.ToString(); } } }

    public async Task WaitReadyAsync()
        => await Poll.UntilAsync(async () =>
        {
            Assert.False(_process.HasExited, $"{GetType().Name} exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
            try
            {
                return (await Http.GetAsync("-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"{GetType().Name} ready", () => Log, TimeSpan.FromMilliseconds(200));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class PrometheusServer : ServerProcess
{
    private PrometheusServer(string config) : base("prometheus", (dir, port) =>
    [
        "--config.file=" + Path.Combine(dir, "prometheus.yml"), "--storage.tsdb.path=" + Path.Combine(dir, "data"),
        $"--web.listen-address=127.0.0.1:{port}", "--enable-feature=exemplar-storage,extra-scrape-metrics", "--log.level=warn",
    ], "prometheus.yml", config)
    {
    }

    public static async Task<PrometheusServer> StartAsync(string config)
    {
        var server = new PrometheusServer(config);
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>An instant query; returns (status, errorText, result array).</summary>
    public async Task<(bool Ok, string? Error, JsonArray Result)> QueryAsync(string expr)
    {
        var response = await Http.PostAsync("api/v1/query", new FormUrlEncodedContent([new("query", expr)]));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var ok = body["status"]?.GetValue<string>() == "success";
        return (ok, ok ? null : $"{body["errorType"]}: {body["error"]}", ok ? body["data"]!["result"]!.AsArray() : []);
    }

    public async Task<List<string>> LabelValuesAsync(string label, string selector)
    {
        var response = await Http.GetStringAsync($"api/v1/label/{label}/values?match[]={Uri.EscapeDataString(selector)}");
        return JsonNode.Parse(response)!["data"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
    }

    /// <summary>Waits until the query returns at least one sample (rules and rate() windows fill in over a few cycles).</summary>
    public async Task<JsonArray> WaitForDataAsync(string expr, TimeSpan? timeout = null)
    {
        JsonArray result = [];
        await Poll.UntilAsync(async () =>
        {
            var (ok, error, r) = await QueryAsync(expr);
            Assert.True(ok, $"{expr}: {error}");
            result = r;
            return r.Count > 0;
        }, timeout ?? TimeSpan.FromSeconds(60), $"{expr} has data", () => "Prometheus log:\n" + Log, TimeSpan.FromMilliseconds(250));
        return result;
    }

    public async Task<JsonArray> AlertsAsync() => JsonNode.Parse(await Http.GetStringAsync("api/v1/alerts"))!["data"]!["alerts"]!.AsArray();
}

public sealed class AlertmanagerServer : ServerProcess
{
    private AlertmanagerServer(string config) : base("prometheus-alertmanager", (dir, port) =>
    [
        "--config.file=" + Path.Combine(dir, "alertmanager.yml"), "--storage.path=" + Path.Combine(dir, "data"),
        $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
    ], "alertmanager.yml", config)
    {
    }

    public static async Task<AlertmanagerServer> StartAsync(string config)
    {
        var server = new AlertmanagerServer(config);
        await server.WaitReadyAsync();
        return server;
    }
}

/// <summary>A webhook receiver on loopback: records every Alertmanager notification by request path (= receiver name).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<(string Path, JsonObject Body)> Notifications { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = FreePorts.Allocate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/{receiver}", async ctx =>
        {
            var body = JsonNode.Parse(await new StreamReader(ctx.Request.Body).ReadToEndAsync())!.AsObject();
            receiver.Notifications.Enqueue(("/" + ctx.Request.RouteValues["receiver"], body));
            ctx.Response.StatusCode = 200;
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The firing alerts delivered to a receiver so far.</summary>
    public IEnumerable<JsonObject> FiringAlerts(string receiver) => Notifications.Where(n => n.Path == "/" + receiver)
        .SelectMany(n => n.Body["alerts"]!.AsArray().OfType<JsonObject>()).Where(a => a["status"]?.GetValue<string>() == "firing");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
