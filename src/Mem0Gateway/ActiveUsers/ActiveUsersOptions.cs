namespace Mem0Gateway.ActiveUsers;

/// <summary>The distinct-user estimate (<c>Gateway:ActiveUsers</c>).</summary>
public sealed class ActiveUsersOptions
{
    public const string SectionName = "Gateway:ActiveUsers";

    public bool Enabled { get; set; } = true;

    /// <summary>HyperLogLog precision p (4-18): 2^p bytes per sketch, relative standard error 1.04/sqrt(2^p). 14: 16 KiB, 0.81%.</summary>
    public int Precision { get; set; } = 14;

    /// <summary>
    /// Routes (yarp.json route ids) whose small JSON request body carries <c>user_id</c> and is read for it. Other routes'
    /// bodies are never touched.
    /// </summary>
    public List<string> BodyRoutes { get; set; } = [];

    /// <summary>Only bodies with a Content-Length at most this size are read (larger or chunked bodies stream untouched).</summary>
    public int MaxBodyPeekBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// StackExchange.Redis connection string of a Redis shared by every replica. Set: the replicas add their keyed user
    /// hashes to Redis HyperLogLogs and report one cluster-wide count (<c>mem0_gateway_active_users_cluster</c>); the
    /// replicas must share <c>Gateway:Privacy:HashKey</c> so one user hashes alike everywhere. Unset: counts are per replica.
    /// </summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Prefix of the Redis keys (one HyperLogLog per service and time bucket).</summary>
    public string RedisKeyPrefix { get; set; } = "mem0gw:active_users";

    /// <summary>How often queued hashes are sent to Redis in one pipelined batch, and the cluster counts read back.</summary>
    public TimeSpan RedisFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Hashes held for Redis at most (while it is slow or down); beyond that new ones are counted only locally.</summary>
    public int MaxPendingRedisWrites { get; set; } = 100_000;

    /// <summary>Routes whose <c>user_id</c> query parameter is not a mem0 user id (OpenMemory's archive takes an internal UUID).</summary>
    public List<string> IgnoreQueryRoutes { get; set; } = [];
}
