using System.Net;
using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Proxy;

internal sealed class ServerSideCallOptionsValidator : IValidateOptions<ServerSideCallOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerSideCallOptions options)
    {
        var errors = new OptionsErrors(ServerSideCallOptions.SectionName);
        for (var i = 0; i < options.SourceAddresses.Count; i++)
        {
            if (!IPAddress.TryParse(options.SourceAddresses[i].Trim(), out _))
            {
                errors.Add($"SourceAddresses:{i}", options.SourceAddresses[i], "must be an IP address");
            }
        }

        return errors.Result;
    }
}
