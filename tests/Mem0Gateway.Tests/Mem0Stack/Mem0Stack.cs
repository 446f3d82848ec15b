using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>
/// Today's mem0 stack behind a real gateway: the mem0 server and dashboard stand-ins, the dashboard's server-side
/// calls going through the gateway's mem0 port (API_INTERNAL_URL) and the server allowing the dashboard's gateway
/// origin (DASHBOARD_URL), as docker-compose.yml wires them. Logs and spans are captured.
/// </summary>
public sealed class Mem0Stack : IAsyncDisposable
{
    private Mem0Stack(GatewayInstance gateway, FakeMem0Server server, FakeMem0Dashboard dashboard, ConcurrentQueue<Activity> spans, CapturedLogOutput log)
    {
        Gateway = gateway;
        Server = server;
        Dashboard = dashboard;
        Spans = spans;
        Log = log;
    }

    public GatewayInstance Gateway { get; }

    public FakeMem0Server Server { get; }

    public FakeMem0Dashboard Dashboard { get; }

    public ConcurrentQueue<Activity> Spans { get; }

    public CapturedLogOutput Log { get; }

    /// <summary>The origin a browser has on the dashboard's gateway port.</summary>
    public string DashboardOrigin => $"http://127.0.0.1:{Gateway.ServicePorts["mem0-dashboard"]}";

    public static async Task<Mem0Stack> StartAsync(Action<GatewayInstanceOptions>? configure = null, bool serverUp = true)
    {
        var server = await FakeMem0Server.StartAsync();
        var dashboard = await FakeMem0Dashboard.StartAsync();
        var spans = new ConcurrentQueue<Activity>();
        var log = new CapturedLogOutput();
        var options = new GatewayInstanceOptions();
        options.Settings["Gateway:Stack"] = "mem0";
        options.Destinations["mem0"] = [server.BaseAddress];
        options.Destinations["mem0-dashboard"] = [dashboard.BaseAddress];
        TracedStack.CaptureSpansAndLog(options, spans, log);
        configure?.Invoke(options);
        var gateway = await GatewayInstance.StartAsync(options);
        dashboard.ApiInternalUrl = gateway.ServiceAddress("mem0");
        server.DashboardOrigin = $"http://127.0.0.1:{gateway.ServicePorts["mem0-dashboard"]}";
        if (!serverUp)
        {
            await server.StopAsync();
        }

        return new Mem0Stack(gateway, server, dashboard, spans, log);
    }

    /// <summary>A browser-like client of one gateway port: not traced itself, no redirects followed, no cookie jar.</summary>
    public HttpClient Client(string service, IPAddress? from = null) => ClientOf(Gateway.ServiceAddress(service), from);

    /// <summary>A client whose connections come from <paramref name="from"/> (another loopback address: another machine).</summary>
    public static HttpClient ClientOf(Uri baseAddress, IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) mem0gw-tests");
        return client;
    }

    /// <summary>Everything the gateway reported: log lines, one scrape and every span's tags and name.</summary>
    public async Task<string> EverythingReportedAsync()
    {
        var metrics = (await Gateway.ScrapeAsync()).Text;
        var spans = string.Join('\n', Spans.Select(s => s.DisplayName + " " + string.Join(' ', s.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            + " " + string.Join(' ', s.Events.Select(e => e.Name))));
        return Log.Text + "\n" + metrics + "\n" + spans;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Dashboard.DisposeAsync();
        await Server.DisposeAsync();
    }
}
