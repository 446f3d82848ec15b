using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.ActiveUsers;

internal sealed class ActiveUsersOptionsValidator : IValidateOptions<ActiveUsersOptions>
{
    public ValidateOptionsResult Validate(string? name, ActiveUsersOptions options)
    {
        var errors = new OptionsErrors(ActiveUsersOptions.SectionName);
        errors.RequireBetween("Precision", options.Precision, HyperLogLog.MinPrecision, HyperLogLog.MaxPrecision);
        errors.RequireAtLeast("MaxBodyPeekBytes", options.MaxBodyPeekBytes, 0);
        errors.RequireNames("BodyRoutes", options.BodyRoutes);
        errors.RequireNames("IgnoreQueryRoutes", options.IgnoreQueryRoutes);
        return errors.Result;
    }
}
