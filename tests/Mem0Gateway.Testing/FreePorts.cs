using System.Net;
using System.Net.Sockets;

namespace Mem0Gateway.Testing;

/// <summary>Loopback ports nobody is listening on right now.</summary>
public static class FreePorts
{
    public static int[] Allocate(int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                sockets.Add(socket);
            }

            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    public static int Allocate() => Allocate(1)[0];
}
