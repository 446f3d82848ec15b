using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Auth;

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new OptionsErrors(AuthOptions.SectionName);
        errors.RequireAtLeast("MaxTrackedKeys", options.MaxTrackedKeys, 0);
        if (string.IsNullOrWhiteSpace(options.SessionCookie))
        {
            errors.Add("SessionCookie", options.SessionCookie, "must name a cookie");
        }

        return errors.Result;
    }
}
