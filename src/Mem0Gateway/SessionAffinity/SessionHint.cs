namespace Mem0Gateway.SessionAffinity;

/// <summary>What a client-facing session id says about where its session lives.</summary>
public enum SessionHint
{
    /// <summary>No hint the gateway made: balance normally and forward the id unchanged.</summary>
    None,

    /// <summary>A hint this gateway (or a replica with the same key) made for this session id.</summary>
    Verified,
}
