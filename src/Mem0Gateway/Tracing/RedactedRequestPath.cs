namespace Mem0Gateway.Tracing;

/// <summary>
/// Hung on a server span (custom property) when its route has a personal path segment, so the span processor can
/// put the tokenised path into that span and its upstream client span instead of the raw one.
/// </summary>
internal sealed class RedactedRequestPath
{
    public const string PropertyName = "mem0.redacted_path";

    public RedactedRequestPath(object owner, string path)
    {
        Owner = owner;
        Path = path;
    }

    /// <summary>The gateway instance that set it (tests run several gateways, each with its own tracer provider).</summary>
    public object Owner { get; }

    public string Path { get; }
}
