namespace Mem0Gateway.Tests.SessionAffinity;

/// <summary>
/// Sends each request to the next gateway in turn, as a round-robin load balancer in front of gateway replicas would:
/// the SSE stream and the messages of one session land on different replicas.
/// </summary>
internal sealed class SpreadingHandler(params int[] ports) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private int _next;

    public List<int> PortsUsed { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var port = ports[Interlocked.Increment(ref _next) % ports.Length];
        lock (PortsUsed)
        {
            PortsUsed.Add(port);
        }

        request.RequestUri = new UriBuilder(request.RequestUri!) { Port = port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
