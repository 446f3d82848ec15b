using Microsoft.Extensions.Options;

namespace Mem0Gateway.Configuration;

/// <summary>Rejects listener layouts that would let one port serve two purposes, and limits that cannot work.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (options.ManagementPort is <= 0 or > 65535)
        {
            errors.Add($"Gateway:ManagementPort must be a port number, got {options.ManagementPort}.");
        }

        if (options.Services.Count == 0)
        {
            errors.Add("Gateway:Services is empty: configure at least one service listener.");
        }

        var seen = new Dictionary<int, string> { [options.ManagementPort] = "management" };
        foreach (var (service, listener) in options.Services)
        {
            if (listener.Port is <= 0 or > 65535)
            {
                errors.Add($"Gateway:Services:{service}:Port must be a port number, got {listener.Port}.");
            }
            else if (!seen.TryAdd(listener.Port, service))
            {
                errors.Add($"Gateway:Services:{service}:Port {listener.Port} is already used by '{seen[listener.Port]}'.");
            }
        }

        options.Limits.AddErrors(errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
