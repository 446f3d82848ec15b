using System.Runtime.CompilerServices;
using System.Text;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Privacy;

/// <summary>
/// Makes a request's path and query safe to write to logs and spans: personal ids (user, agent, run, entity, session)
/// become keyed tokens, values of secret-looking parameters and of any parameter not known to be harmless become
/// <see cref="RedactionMark"/>. Routes without personal path segments cost one table lookup and no allocation.
/// </summary>
public sealed class RequestUrlRedactor
{
    /// <summary>What replaces a value that must not be written anywhere.</summary>
    public const string RedactionMark = "[REDACTED]";

    /// <summary>Route parameters and query parameters whose values identify a person (or their session).</summary>
    private static readonly HashSet<string> PersonalNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "user_id", "agent_id", "run_id", "entity_id", "session_id",
    };

    /// <summary>Name fragments that mark a parameter as a credential, whatever else it is called.</summary>
    private static readonly string[] SecretFragments = ["key", "token", "secret", "password", "passwd", "auth", "credential", "signature", "cookie"];

    /// <summary>
    /// Query parameters of the mem0 and OpenMemory APIs that carry paging, sorting and flags only. Everything else
    /// (search_query, categories, unknown names) may hold memory text and is redacted.
    /// </summary>
    private static readonly HashSet<string> HarmlessNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "page", "size", "page_size", "limit", "top_k", "threshold", "sort_column", "sort_direction", "from_date", "to_date",
        "show_archived", "show_expired", "is_active", "mode", "app_id", "explain", "entity_type",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PersonalNameLookup = PersonalNames.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> HarmlessNameLookup = HarmlessNames.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly int[] NoSegments = [];

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly ConditionalWeakTable<ProxyRouteDescriptor, int[]> _personalSegments = new();
    private readonly PersonalIdProtector _protector;

    public RequestUrlRedactor(PersonalIdProtector protector) => _protector = protector;

    /// <summary>True when the route's template has a segment such as <c>{user_id}</c>.</summary>
    public bool HasPersonalSegments(ProxyRouteDescriptor route) => PersonalSegmentsOf(route).Length > 0;

    /// <summary>The path with personal segments tokenised; the same string instance when there are none.</summary>
    public string RedactPath(ProxyRouteDescriptor route, string path)
    {
        var segments = PersonalSegmentsOf(route);
        if (segments.Length == 0)
        {
            return path;
        }

        var parts = path.Split('/');
        foreach (var index in segments)
        {
            if (index < parts.Length && parts[index].Length > 0)
            {
                parts[index] = _protector.Protect(parts[index]);
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>The request's path redacted as <see cref="RedactPath(ProxyRouteDescriptor, string)"/> does, once per request.</summary>
    public string RedactPath(ProxyRequestContext request)
        => request.RedactedPath ??= RedactPath(request.Route, request.HttpContext.Request.Path.Value ?? "/");

    /// <summary>The request's query redacted as <see cref="RedactQuery(string?)"/> does, once per request.</summary>
    public string? RedactQuery(ProxyRequestContext request)
    {
        var query = request.HttpContext.Request.QueryString;
        return query.HasValue ? request.RedactedQuery ??= RedactQuery(query.Value) : null;
    }

    /// <summary>The query (without '?') with every value redacted or tokenised as above; null when there is none.</summary>
    public string? RedactQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return null;
        }

        var span = query.AsSpan(query[0] == '?' ? 1 : 0);
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        foreach (var range in span.Split('&'))
        {
            var pair = span[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            builder.Append(name);
            if (equals < 0)
            {
                continue;
            }

            builder.Append('=');
            var value = pair[(equals + 1)..];
            AppendRedactedValue(builder, name, value);
        }

        var redacted = builder.ToString();
        if (builder.Capacity > 4096)
        {
            // One huge query must not pin a large buffer to a thread for good.
            t_builder = null;
        }

        return redacted;
    }

    /// <summary>True for a header or parameter name that suggests a credential.</summary>
    public static bool IsSecretName(ReadOnlySpan<char> name)
    {
        foreach (var fragment in SecretFragments)
        {
            if (name.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void AppendRedactedValue(StringBuilder builder, ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        if (PersonalNameLookup.Contains(name))
        {
            if (!value.IsEmpty)
            {
                // Most ids need no unescaping; those are tokenised straight from the query, without a copy.
                builder.Append(value.ContainsAny('%', '+')
                    ? _protector.Protect(Uri.UnescapeDataString(value.ToString().Replace('+', ' ')))
                    : _protector.Protect(value));
            }

            return;
        }

        builder.Append(!IsSecretName(name) && HarmlessNameLookup.Contains(name) ? value : RedactionMark);
    }

    private int[] PersonalSegmentsOf(ProxyRouteDescriptor route)
        => _personalSegments.GetValue(route, static r => FindPersonalSegments(r.Template));

    private static int[] FindPersonalSegments(string template)
    {
        if (string.IsNullOrEmpty(template))
        {
            return NoSegments;
        }

        var parts = template.Split('/');
        var found = new List<int>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length > 2 && part[0] == '{' && part[^1] == '}')
            {
                var name = part[1..^1].TrimStart('*');
                var colon = name.IndexOf(':');
                if (colon >= 0)
                {
                    name = name[..colon];
                }

                if (PersonalNames.Contains(name.TrimEnd('?')))
                {
                    found.Add(i);
                }
            }
        }

        return found.Count == 0 ? NoSegments : found.ToArray();
    }
}
