namespace Mem0Gateway.Proxy;

/// <summary>Finds one parameter (a mem0 <c>user_id</c>, an MCP <c>session_id</c>) in a raw query string without parsing the whole query.</summary>
public static class QueryParameter
{
    /// <summary>The unescaped value of the first parameter called <paramref name="name"/>, or null when absent or empty.</summary>
    public static string? Find(string? queryString, string name)
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
