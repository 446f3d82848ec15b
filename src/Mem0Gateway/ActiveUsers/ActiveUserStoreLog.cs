namespace Mem0Gateway.ActiveUsers;

internal static partial class ActiveUserStoreLog
{
    [LoggerMessage(EventId = LogEventIds.ActiveUserStoreDown, Level = LogLevel.Warning,
        Message = "Active-user store (Redis) unreachable ({ErrorType}: {Error}): mem0_gateway_active_users_cluster reports this replica's own estimate until it answers again")]
    public static partial void StoreDown(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = LogEventIds.ActiveUserStoreBack, Level = LogLevel.Information,
        Message = "Active-user store (Redis) answers again: mem0_gateway_active_users_cluster is cluster-wide again")]
    public static partial void StoreBack(ILogger logger);

    [LoggerMessage(EventId = LogEventIds.ActiveUserStoreWithoutSharedKey, Level = LogLevel.Warning,
        Message = "Active users are counted in Redis but Gateway:Privacy:HashKey is not set: each replica hashes user ids with its own random key, so the cluster count counts a user once per replica. Give every replica the same key")]
    public static partial void NoSharedHashKey(ILogger logger);
}
