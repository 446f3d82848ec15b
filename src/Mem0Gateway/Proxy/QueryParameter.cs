namespace Mem0Gateway.ActiveUsers;

/// <summary>Finds the <c>user_id</c> parameter in a raw query string without parsing the whole query.</summary>
public static class QueryUserId
{
    /// <summary>The unescaped value of the first <c>user_id</c> parameter, or null.</summary>
    public static string? Find(string? queryString) => FindParameter(queryString, "user_id");

    public static string? FindParameter(string? queryString, string name)
    {
        if (string.IsNullOrEmpty(queryString) || !queryString.Contains(name, StringComparison.Ordinal))
        {
            return null;
        }

        var query = queryString.AsSpan();
        if (query[0] == '?')
        {
            query = query[1..];
        }

        while (!query.IsEmpty)
        {
            var end = query.IndexOf('&');
            var pair = end < 0 ? query : query[..end];
            query = end < 0 ? [] : query[(end + 1)..];
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals].SequenceEqual(name))
            {
                var value = pair[(equals + 1)..];
                if (value.IsEmpty)
                {
                    return null;
                }

                return value.ContainsAny('%', '+') ? Uri.UnescapeDataString(value.ToString().Replace('+', ' ')) : value.ToString();
            }
        }

        return null;
    }
}
