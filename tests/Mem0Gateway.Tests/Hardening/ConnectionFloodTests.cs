using System.Net;
using System.Net.Sockets;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>
/// Idle connection floods: each listener has its own connection budget, so a flood on one port cannot starve another
/// service or the management endpoints, and idle connections are closed after the keep-alive timeout so the flooded
/// port recovers.
/// </summary>
public sealed class ConnectionFloodTests
{
    private const int Limit = 20;

    private static async Task<List<Socket>> OpenIdleAsync(int port, int count)
    {
        var sockets = new List<Socket>(count);
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            sockets.Add(socket);
        }

        return sockets;
    }

    /// <summary>Completes when the gateway closes the socket (end of stream or reset); never sends a byte.</summary>
    private static async Task WaitClosedAsync(Socket socket)
    {
        var buffer = new byte[1];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    [Fact]
    public async Task A_flood_over_one_listeners_limit_is_cut_at_once_and_other_services_and_management_keep_serving()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Settings["Gateway:Limits:MaxConcurrentConnections"] = Limit.ToString();
            o.Settings["Gateway:Limits:KeepAliveTimeout"] = "00:05:00"; // only the connection limit can close them here
        });
        var flood = await OpenIdleAsync(stack.Gateway.ServicePorts["openmemory"], Limit * 3);
        try
        {
            var closed = flood.Select(WaitClosedAsync).ToList();
            await Poll.UntilAsync(() => Task.FromResult(closed.Count(t => t.IsCompleted) >= Limit * 2), TimeSpan.FromSeconds(10),
                "connections over the listener's limit closed by the gateway");

            // Real requests on the other listeners are served while the flood holds its whole budget.
            using var mem0 = stack.Gateway.Client("mem0");
            for (var i = 0; i < Limit * 2; i++)
            {
                using var response = await mem0.GetAsync("/memories?user_id=u");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using var metrics = await stack.Gateway.Management.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal(Limit, closed.Count(t => !t.IsCompleted));
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        // Once the flood is gone, the flooded service answers again.
        using var openMemory = stack.Gateway.Client("openmemory");
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var response = await openMemory.GetAsync("/api/v1/apps/");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), "openmemory serving after the flood");
    }

    [Fact]
    public async Task Idle_connections_that_never_send_a_request_are_closed_after_the_keep_alive_timeout_and_real_requests_get_through()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o =>
        {
            o.Settings["Gateway:Limits:MaxConcurrentConnections"] = Limit.ToString();
            o.Settings["Gateway:Limits:KeepAliveTimeout"] = "00:00:02";
        });
        var port = stack.Gateway.ServicePorts["mem0"];
        var flood = await OpenIdleAsync(port, Limit);
        try
        {
            // The flood holds the whole budget; the idle timeout frees it, and a real request then gets through.
            var closed = flood.Select(WaitClosedAsync).ToList();
            await Poll.UntilAsync(() => Task.FromResult(closed.All(t => t.IsCompleted)), TimeSpan.FromSeconds(15),
                "idle connections closed by the keep-alive timeout");

            using var client = stack.Gateway.Client("mem0");
            using var response = await client.GetAsync("/memories?user_id=u");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [InlineData("Gateway:Limits:MaxConcurrentConnections", "0")]
    [InlineData("Gateway:Limits:KeepAliveTimeout", "-00:00:01")]
    [InlineData("Gateway:Limits:RequestHeadersTimeout", "00:00:00")]
    public async Task A_limit_that_cannot_work_stops_the_start_and_names_the_setting(string setting, string value)
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var gateway = await GatewayInstance.StartAsync(new GatewayInstanceOptions { Settings = { [setting] = value } });
        });

        Assert.NotNull(failure);
        Assert.Contains(setting, failure.Message);
    }
}
