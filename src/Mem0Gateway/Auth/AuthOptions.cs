namespace Mem0Gateway.Auth;

/// <summary><c>Gateway:Auth</c>: the auth-method and per-API-key metrics.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Gateway:Auth";

    public bool Enabled { get; set; } = true;

    /// <summary>Most distinct key prefixes given their own series; later keys count as <c>other</c>.</summary>
    public int MaxTrackedKeys { get; set; } = 100;

    /// <summary>Label keys with a keyed token (<c>h:</c>…) of the prefix instead of the prefix the dashboard shows.</summary>
    public bool ProtectKeyPrefixes { get; set; }

    /// <summary>The cookie that carries a dashboard session (the mem0 dashboard's refresh token).</summary>
    public string SessionCookie { get; set; } = "mem0_refresh_token";
}
