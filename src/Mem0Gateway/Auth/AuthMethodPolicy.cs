namespace Mem0Gateway.Auth;

/// <summary>
/// Decides which credential a request carried, looking only at which header is present and at the Authorization
/// scheme, never keeping a value: an API key (<c>X-API-Key</c> or <c>Authorization: Token</c>) wins over a bearer
/// JWT, which wins over the session cookie.
/// </summary>
internal sealed class AuthMethodPolicy
{
    public const string ApiKeyHeader = "X-API-Key";
    private const string TokenScheme = "Token ";
    private const string BearerScheme = "Bearer ";

    private readonly string _cookieMarker;

    public AuthMethodPolicy(AuthOptions options) => _cookieMarker = options.SessionCookie + "=";

    public AuthMethod Classify(IHeaderDictionary headers, out ReadOnlySpan<char> apiKey)
    {
        apiKey = default;
        if (headers.TryGetValue(ApiKeyHeader, out var key) && key.Count == 1 && key[0] is { Length: > 0 } value)
        {
            apiKey = value.AsSpan().Trim();
            return AuthMethod.ApiKey;
        }

        if (headers.Authorization is { Count: 1 } authorization && authorization[0] is { } scheme)
        {
            if (scheme.StartsWith(TokenScheme, StringComparison.OrdinalIgnoreCase))
            {
                apiKey = scheme.AsSpan(TokenScheme.Length).Trim();
                return AuthMethod.ApiKey;
            }

            if (scheme.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
            {
                return AuthMethod.Bearer;
            }
        }

        foreach (var cookie in headers.Cookie)
        {
            if (cookie is not null && HasCookie(cookie))
            {
                return AuthMethod.Cookie;
            }
        }

        return AuthMethod.None;
    }

    private bool HasCookie(string header)
    {
        var index = header.IndexOf(_cookieMarker, StringComparison.Ordinal);
        // The name must start the header or follow "; ", so "xmem0_refresh_token=" does not count.
        return index == 0 || (index > 0 && header[index - 1] is ' ' or ';');
    }

    public static string ToLabel(AuthMethod method) => method switch
    {
        AuthMethod.ApiKey => "api_key",
        AuthMethod.Bearer => "bearer",
        AuthMethod.Cookie => "cookie",
        _ => "none",
    };
}
