using System.Buffers.Text;
using System.Text;

namespace Mem0Gateway.Mcp;

/// <summary>
/// The 2026-07-28 request headers that say what a request is without its body: <c>Mcp-Method</c>, and <c>Mcp-Name</c>
/// (the tool, prompt or resource), which a client sends as <c>=?base64?…?=</c> when the name is not plain ASCII.
/// </summary>
public readonly record struct McpRoutingHeaders(string Method, string? Name)
{
    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";

    private const string Base64Prefix = "=?base64?";
    private const string Base64Suffix = "?=";

    /// <summary>The headers of <paramref name="request"/>, or null when it has no <c>Mcp-Method</c>.</summary>
    public static McpRoutingHeaders? Read(HttpRequest request)
    {
        var method = request.Headers[MethodHeader];
        if (method.Count != 1 || string.IsNullOrEmpty(method[0]))
        {
            return null;
        }

        var name = request.Headers[NameHeader];
        return new McpRoutingHeaders(method[0]!, name.Count == 1 ? Decode(name[0]) : null);
    }

    /// <summary>A header value as the name it stands for; null when its base64 does not decode.</summary>
    public static string? Decode(string? value)
    {
        if (value is null || !value.StartsWith(Base64Prefix, StringComparison.Ordinal) || !value.EndsWith(Base64Suffix, StringComparison.Ordinal)
            || value.Length < Base64Prefix.Length + Base64Suffix.Length)
        {
            return value;
        }

        var encoded = value.AsSpan(Base64Prefix.Length, value.Length - Base64Prefix.Length - Base64Suffix.Length);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        return Convert.TryFromBase64Chars(encoded, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }
}
