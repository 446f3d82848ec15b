using System.Net;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Configuration;

/// <summary>
/// Checks the <c>Gateway</c> section's own settings: listener layouts that would let one port serve two purposes,
/// bind addresses, limits, the drain timeout and trusted proxies. Module subsections have their own validators.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new OptionsErrors(GatewayOptions.SectionName);
        RequirePort(errors, "ManagementPort", options.ManagementPort);
        RequireAddress(errors, "ListenAddress", options.ListenAddress);
        RequireAddress(errors, "ManagementAddress", options.ManagementAddress);
        if (options.Services.Count == 0)
        {
            errors.AddWithoutValue("Services", "is empty: configure at least one service listener");
        }

        var stacks = options.Services.Values.Select(s => s.Stack).Where(s => !string.IsNullOrEmpty(s)).Append(GatewayOptions.AllStacks);
        if (!stacks.Contains(options.Stack, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("Stack", options.Stack, $"must be one of {string.Join(", ", stacks.Distinct(StringComparer.OrdinalIgnoreCase))}");
        }

        var seen = new Dictionary<int, string> { [options.ManagementPort] = "management" };
        foreach (var (service, listener) in options.Services)
        {
            if (RequirePort(errors, $"Services:{service}:Port", listener.Port) && !seen.TryAdd(listener.Port, service))
            {
                errors.Add($"Services:{service}:Port", listener.Port, $"is already used by '{seen[listener.Port]}'");
            }
        }

        var limits = options.Limits;
        errors.RequireAtLeast("Limits:MaxRequestBodySize", limits.MaxRequestBodySize, 1);
        errors.RequireAtLeast("Limits:MaxRequestHeadersTotalSize", limits.MaxRequestHeadersTotalSize, 1);
        errors.RequireAtLeast("Limits:MaxRequestLineSize", limits.MaxRequestLineSize, 1);
        errors.RequirePositive("Limits:RequestHeadersTimeout", limits.RequestHeadersTimeout);
        errors.RequirePositive("Limits:KeepAliveTimeout", limits.KeepAliveTimeout);
        errors.RequireAtLeast("Limits:MaxConcurrentConnections", limits.MaxConcurrentConnections, 1);
        if (!(limits.MinDataRateBytesPerSecond >= 0))
        {
            errors.Add("Limits:MinDataRateBytesPerSecond", limits.MinDataRateBytesPerSecond, "must be zero (off) or more");
        }

        if (options.Shutdown.DrainTimeout < TimeSpan.Zero)
        {
            errors.Add("Shutdown:DrainTimeout", options.Shutdown.DrainTimeout, "must not be negative");
        }

        var forwarded = options.ForwardedHeaders;
        for (var i = 0; i < forwarded.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(forwarded.KnownProxies[i], out _))
            {
                errors.Add($"ForwardedHeaders:KnownProxies:{i}", forwarded.KnownProxies[i], "must be an IP address");
            }
        }

        for (var i = 0; i < forwarded.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(forwarded.KnownNetworks[i], out _))
            {
                errors.Add($"ForwardedHeaders:KnownNetworks:{i}", forwarded.KnownNetworks[i], "must be a network in CIDR form (10.0.0.0/8)");
            }
        }

        return errors.Result;
    }

    private static bool RequirePort(OptionsErrors errors, string key, int port)
    {
        if (port is > 0 and <= 65535)
        {
            return true;
        }

        errors.Add(key, port, "must be a port number (1-65535)");
        return false;
    }

    private static void RequireAddress(OptionsErrors errors, string key, string address)
    {
        if (!ListenerAddress.TryParse(address, out _))
        {
            errors.Add(key, address, "must be an IP address to bind to (or * for every IPv4 interface)");
        }
    }
}
