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

    /// <summary>Routes whose <c>user_id</c> query parameter is not a mem0 user id (OpenMemory's archive takes an internal UUID).</summary>
    public List<string> IgnoreQueryRoutes { get; set; } = [];
}
