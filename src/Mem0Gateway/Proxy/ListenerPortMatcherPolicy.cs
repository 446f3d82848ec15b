using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Decides which endpoints a request may reach from the local port of its connection: a service's routes only on
/// that service's port, management endpoints only on the management port. YARP's <c>Hosts: "*:port"</c> reads the
/// Host header instead, which breaks behind a port remap (18765:8765) and can be forged by the client.
/// </summary>
internal sealed class ListenerPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly ServiceListenerMap _listeners;

    public ListenerPortMatcherPolicy(ServiceListenerMap listeners) => _listeners = listeners;

    // After the HTTP method policy, so that candidates are already narrowed.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var localPort = httpContext.Connection.LocalPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            // An endpoint that does not name its port is treated as management-only: nothing is reachable
            // through a proxy port by accident.
            var allowedPort = candidates[i].Endpoint.Metadata.GetMetadata<IListenerPortMetadata>()?.ListenerPort
                ?? _listeners.Management.Port;
            if (allowedPort != localPort)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
