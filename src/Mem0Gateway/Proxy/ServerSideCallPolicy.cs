using System.Collections.Frozen;
using System.Net;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Decides whether a request is a UI's server-side call: no <c>Origin</c> (browsers send one on every cross-origin
/// call the dashboard makes), a User-Agent listed in <see cref="ServerSideCallOptions.UserAgents"/>, and, when
/// <see cref="ServerSideCallOptions.SourceAddresses"/> is set, a client address from that list. The answer is one
/// bounded value, so it may be a log field and a span attribute.
/// </summary>
public sealed class ServerSideCallPolicy
{
    public const string CallerLabel = "ui_server";

    private readonly FrozenSet<string> _userAgents;
    private readonly IPAddress[] _sources;

    public ServerSideCallPolicy(IOptions<ServerSideCallOptions> options)
    {
        _userAgents = options.Value.UserAgents.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _sources = options.Value.SourceAddresses.Select(a => IPAddress.Parse(a.Trim())).Select(Normalize).ToArray();
    }

    public bool IsServerSideCall(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (_userAgents.Count == 0 || headers.Origin.Count != 0 || headers.UserAgent.Count != 1
            || !_userAgents.Contains(headers.UserAgent[0] ?? string.Empty))
        {
            return false;
        }

        if (_sources.Length == 0)
        {
            return true;
        }

        return context.Connection.RemoteIpAddress is { } remote && Array.IndexOf(_sources, Normalize(remote)) >= 0;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
