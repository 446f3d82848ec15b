using System.Collections.Frozen;
using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Decides which browser origins may read a service's answers. By default that is each run browser UI's own port
/// (<c>BrowserUi</c> services) on the host the request was sent to, so a UI served at
/// <c>http://host:13030</c> can read the API at <c>http://host:18888</c>; <c>AllowedOrigins</c> adds more per service.
/// The upstream answers CORS for its own responses; this policy covers the answers the gateway writes itself.
/// </summary>
public sealed class BrowserOriginPolicy
{
    private readonly FrozenSet<int> _uiPorts;
    private readonly FrozenDictionary<string, FrozenSet<string>> _configured;
    private readonly ServiceListenerMap _listeners;

    public BrowserOriginPolicy(IOptions<GatewayOptions> gateway, ServiceListenerMap listeners)
    {
        _listeners = listeners;
        var run = gateway.Value.RunServices().ToList();
        _uiPorts = run.Where(s => s.Value.BrowserUi).Select(s => s.Value.Port).ToFrozenSet();
        _configured = run.ToFrozenDictionary(
            s => s.Key,
            s => s.Value.AllowedOrigins.Select(o => o.TrimEnd('/')).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The request's <c>Origin</c> when it may read this answer, otherwise null.</summary>
    public string? AllowedOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin;
        if (origin.Count != 1 || origin[0] is not { Length: > 0 } value)
        {
            return null;
        }

        if (_listeners.FindByPort(context.Connection.LocalPort) is not { IsManagement: false } listener)
        {
            return null;
        }

        if (_configured.TryGetValue(listener.Service, out var configured) && configured.Contains(value))
        {
            return value;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && _uiPorts.Contains(uri.Port)
            && string.Equals(uri.Host, context.Request.Host.Host, StringComparison.OrdinalIgnoreCase)
                ? value
                : null;
    }

    /// <summary>Lets an allowed origin read an answer the gateway wrote itself (a 404, 502, 503 or 504 problem).</summary>
    public void ApplyToGatewayAnswer(HttpContext context)
    {
        if (AllowedOrigin(context) is not { } origin)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        // The mem0 server allows credentials; an error answer must be readable by the same credentialed fetch.
        headers.AccessControlAllowCredentials = "true";
        headers.Append(HeaderNames.Vary, HeaderNames.Origin);
    }
}
