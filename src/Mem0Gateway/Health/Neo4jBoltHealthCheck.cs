using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mem0Gateway.Health;

/// <summary>
/// Checks Neo4j by opening its Bolt port and doing the version handshake (the driver is not available to us): the
/// 4-byte magic, four version proposals, and a 4-byte answer naming the version the server picked. Healthy when that
/// answer is a real version; no login is attempted, so no credentials are needed.
/// </summary>
internal sealed class Neo4jBoltHealthCheck : IHealthCheck
{
    /// <summary>Magic 60 60 B0 17, then proposals [00][range][minor][major]: 5.8..5.0, 4.4..4.2, 4.0, 3.0.</summary>
    internal static readonly byte[] Handshake =
    [
        0x60, 0x60, 0xB0, 0x17,
        0x00, 0x08, 0x08, 0x05,
        0x00, 0x02, 0x04, 0x04,
        0x00, 0x00, 0x00, 0x04,
        0x00, 0x00, 0x00, 0x03,
    ];

    private const uint HttpAnswer = 0x48545450; // "HTTP": an HTTP port, e.g. 7474 instead of 7687.

    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _timeout;

    public Neo4jBoltHealthCheck(string host, int port, TimeSpan timeout)
    {
        _host = host;
        _port = port;
        _timeout = timeout;
    }

    /// <summary>Parses "host:port" (IPv6 as "[::1]:7687"); the port defaults to Bolt's 7687.</summary>
    public static Neo4jBoltHealthCheck Create(string address, TimeSpan timeout)
    {
        var uri = new Uri("bolt://" + address.Trim());
        var host = uri.Host.Trim('[', ']');
        return new Neo4jBoltHealthCheck(host, uri.IsDefaultPort || uri.Port < 0 ? 7687 : uri.Port, timeout);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var data = new Dictionary<string, object> { ["endpoint"] = $"{_host}:{_port}" };
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _port, timeout.Token);
            await socket.SendAsync(Handshake, SocketFlags.None, timeout.Token);
            var answer = new byte[4];
            var read = 0;
            while (read < answer.Length)
            {
                var n = await socket.ReceiveAsync(answer.AsMemory(read), SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    return Fail(context, "Neo4j closed the connection during the Bolt handshake.", data);
                }

                read += n;
            }

            var value = BinaryPrimitives.ReadUInt32BigEndian(answer);
            if (value == 0)
            {
                return Fail(context, "Neo4j supports none of the proposed Bolt versions (5.x, 4.x, 3.0).", data);
            }

            if (value == HttpAnswer)
            {
                return Fail(context, "The port answered HTTP, not Bolt: point Address at the Bolt port (7687).", data);
            }

            var major = answer[3];
            var minor = answer[2];
            if (answer[0] != 0 || major is 0 or > 10)
            {
                return Fail(context, "The port answered, but not with a Bolt version.", data);
            }

            data["boltVersion"] = $"{major}.{minor}";
            return HealthCheckResult.Healthy($"Bolt {major}.{minor} handshake succeeded.", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(context, $"No Bolt answer within {_timeout.TotalSeconds:0.#} s.", data);
        }
        catch (SocketException ex)
        {
            return Fail(context, $"Cannot connect to Neo4j ({ex.SocketErrorCode}).", data);
        }
    }

    private static HealthCheckResult Fail(HealthCheckContext context, string description, Dictionary<string, object> data)
        => new(context.Registration.FailureStatus, description, data: data);
}
