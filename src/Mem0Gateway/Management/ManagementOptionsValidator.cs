using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Management;

internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = new OptionsErrors(ManagementOptions.SectionName);
        // Empty means unset (an empty environment variable). Whitespace cannot travel in an Authorization header,
        // so no scrape could ever pass: refuse rather than lock everyone out.
        if (options.BearerToken is { Length: > 0 } token && token.Any(char.IsWhiteSpace))
        {
            errors.AddWithoutValue("BearerToken", "contains whitespace, which an Authorization header cannot carry");
        }

        // A missing or empty token file stops the start instead of turning auth off.
        if (!string.IsNullOrWhiteSpace(options.BearerTokenFile) && !SecretFile.TryRead(options.BearerTokenFile, out _, out var problem))
        {
            errors.AddWithoutValue(nameof(ManagementOptions.BearerTokenFile), problem);
        }

        return errors.Result;
    }
}
