using System.Runtime.CompilerServices;
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
        errors.RequirePositive("RedisFlushInterval", options.RedisFlushInterval);
        errors.RequireAtLeast("MaxPendingRedisWrites", options.MaxPendingRedisWrites, 1);
        if (!string.IsNullOrWhiteSpace(options.RedisConnectionString) && !IsRedisConnectionString(options.RedisConnectionString))
        {
            // The value is not echoed: a connection string may hold a password.
            errors.AddWithoutValue("RedisConnectionString", "is not a StackExchange.Redis connection string");
        }

        return errors.Result;
    }

    /// <summary>Apart, so that a gateway without Redis never loads the Redis client (the JIT loads what a method names).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsRedisConnectionString(string value)
    {
        try
        {
            StackExchange.Redis.ConfigurationOptions.Parse(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
