using System.Diagnostics;
using Mem0Gateway.Privacy;
using OpenTelemetry;

namespace Mem0Gateway.Tracing;

/// <summary>
/// Last line before export: the upstream CLIENT span of a route with a personal path segment (MCP
/// <c>/sse/{user_id}</c>, entity deletes) gets the tokenised path its SERVER span already carries, in place of the raw
/// path the runtime wrote into <c>url.full</c>. Query values there are already redacted by the runtime.
/// </summary>
internal sealed class SpanPrivacyProcessor : BaseProcessor<Activity>
{
    private readonly object _owner;

    public SpanPrivacyProcessor(object owner) => _owner = owner;

    public override void OnEnd(Activity activity)
    {
        if (activity.Kind != ActivityKind.Client
            || activity.Parent?.GetCustomProperty(RedactedRequestPath.PropertyName) is not RedactedRequestPath redacted
            || redacted.Owner != _owner)
        {
            return;
        }

        if (activity.GetTagItem("url.full") is string full)
        {
            activity.SetTag("url.full", ReplacePath(full, redacted.Path));
        }

        activity.SetTag("url.path", null);
    }

    /// <summary>scheme://authority + the tokenised path + whatever (already redacted) query followed.</summary>
    private static string ReplacePath(string url, string path)
    {
        var authorityStart = url.IndexOf("://", StringComparison.Ordinal);
        var pathStart = authorityStart < 0 ? -1 : url.IndexOf('/', authorityStart + 3);
        if (pathStart < 0)
        {
            return url;
        }

        var queryStart = url.IndexOfAny(['?', '#'], pathStart);
        return string.Concat(url.AsSpan(0, pathStart), path, queryStart < 0 ? ReadOnlySpan<char>.Empty : url.AsSpan(queryStart));
    }
}
