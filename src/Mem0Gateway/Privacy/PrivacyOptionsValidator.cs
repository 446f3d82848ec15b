using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Privacy;

internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var errors = new OptionsErrors(PrivacyOptions.SectionName);
        // Empty means unset (an empty environment variable); only spaces is a key nobody meant to set.
        if (options.HashKey is { Length: > 0 } key && string.IsNullOrWhiteSpace(key))
        {
            errors.AddWithoutValue("HashKey", "is only whitespace; leave it empty for a random key per process");
        }

        // An empty key file must not fall back to a random key (tokens that never join up across replicas).
        if (!string.IsNullOrWhiteSpace(options.HashKeyFile) && !SecretFile.TryRead(options.HashKeyFile, out _, out var problem))
        {
            errors.AddWithoutValue(nameof(PrivacyOptions.HashKeyFile), problem);
        }

        return errors.Result;
    }
}
