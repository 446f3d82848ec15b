using System.Collections.Frozen;
using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Proxy;

/// <summary>
/// The listener layout, fixed at startup: which service each local port serves. Kestrel cannot add listeners
/// at runtime, so ports are read once; routes and destinations still reload.
/// </summary>
public sealed class ServiceListenerMap
{
    public const string ManagementService = "management";

    private readonly FrozenDictionary<int, ServiceListener> _byPort;
    private readonly FrozenDictionary<string, ServiceListener> _byService;

    public ServiceListenerMap(IOptions<GatewayOptions> options)
    {
        var gateway = options.Value;
        Management = new ServiceListener(ManagementService, gateway.ManagementPort, isManagement: true);
        var listeners = gateway.RunServices()
            .Select(s => new ServiceListener(s.Key, s.Value.Port, isManagement: false))
            .Append(Management)
            .ToList();
        _byPort = listeners.ToFrozenDictionary(l => l.Port);
        _byService = listeners.Where(l => !l.IsManagement).ToFrozenDictionary(l => l.Service, StringComparer.OrdinalIgnoreCase);
        Services = listeners.Where(l => !l.IsManagement).ToArray();
    }

    public ServiceListener Management { get; }

    public IReadOnlyList<ServiceListener> Services { get; }

    public ServiceListener? FindByPort(int port) => _byPort.GetValueOrDefault(port);

    /// <summary>The port a service (YARP cluster) is served on, or 0 when no listener is configured for it.</summary>
    public int PortOf(string service) => _byService.TryGetValue(service, out var listener) ? listener.Port : 0;
}
