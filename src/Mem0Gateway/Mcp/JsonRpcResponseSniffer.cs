using System.Text.Json;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Classifies a JSON-RPC response from the first bytes of it, without needing the rest: the id, and whether it is an
/// error, a tool error ("Error..." text, <c>isError: true</c>) or a result. MCP servers write <c>id</c> before
/// <c>result</c>, and an OpenMemory tool error is a short text at the start of the result, so a bounded head is enough.
/// Result text is looked at only for its first bytes and never kept.
/// </summary>
public static class JsonRpcResponseSniffer
{
    /// <summary>One response: its id key, how it ended and, for a JSON-RPC error, its code (the conventions' <c>error.type</c>).</summary>
    public readonly record struct Response(string IdKey, ToolCallOutcome Outcome, string? ErrorCode = null);

    /// <summary>The response in <paramref name="head"/>, which may be cut anywhere; null when no id was found.</summary>
    public static Response? Sniff(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, default);
        string? id = null;
        string? errorCode = null;
        ToolCallOutcome? outcome = null;
        var section = Section.None; // which top-level member the reader is inside
        var inContent = false;
        var contentIndex = -1;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when depth == 1:
                        inContent = false;
                        if (reader.ValueTextEquals("id"u8))
                        {
                            if (!reader.Read())
                            {
                                return Done(id, outcome, errorCode);
                            }

                            id = JsonRpcRequestReader.IdKey(ref reader);
                            section = Section.None;
                        }
                        else if (reader.ValueTextEquals("error"u8))
                        {
                            outcome = ToolCallOutcome.Error;
                            section = Section.Error;
                        }
                        else if (reader.ValueTextEquals("result"u8))
                        {
                            outcome ??= ToolCallOutcome.Result;
                            section = Section.Result;
                        }
                        else
                        {
                            section = Section.None;
                        }

                        break;

                    case JsonTokenType.PropertyName when depth == 2 && section == Section.Error && reader.ValueTextEquals("code"u8):
                        if (!reader.Read())
                        {
                            return Done(id, outcome, errorCode);
                        }

                        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code))
                        {
                            errorCode = ErrorCodes.Label(code);
                        }

                        break;

                    case JsonTokenType.PropertyName when depth == 2 && section == Section.Result:
                        inContent = false;
                        if (reader.ValueTextEquals("isError"u8))
                        {
                            if (!reader.Read())
                            {
                                return Done(id, outcome, errorCode);
                            }

                            if (reader.TokenType == JsonTokenType.True)
                            {
                                outcome = ToolCallOutcome.ToolError;
                            }
                        }
                        else if (reader.ValueTextEquals("content"u8))
                        {
                            inContent = true;
                            contentIndex = -1;
                        }

                        break;

                    case JsonTokenType.StartObject when depth == 3 && inContent:
                        contentIndex++;
                        break;

                    case JsonTokenType.PropertyName when depth == 4 && inContent && contentIndex == 0 && reader.ValueTextEquals("text"u8):
                        var valueStart = (int)reader.BytesConsumed;
                        if (!reader.Read())
                        {
                            // The text runs past the head: its first bytes are still here.
                            if (StartsWithError(head[valueStart..]))
                            {
                                outcome = ToolCallOutcome.ToolError;
                            }

                            return Done(id, outcome, errorCode);
                        }

                        if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.StartsWith("Error"u8) && outcome != ToolCallOutcome.Error)
                        {
                            outcome = ToolCallOutcome.ToolError;
                        }

                        break;

                    case JsonTokenType.EndObject when depth == 0:
                        return Done(id, outcome, errorCode);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all, or cut inside a token the reader cannot resume: use what was found.
        }

        return Done(id, outcome, errorCode);
    }

    private static Response? Done(string? id, ToolCallOutcome? outcome, string? errorCode)
        => id is null || outcome is null ? null : new Response(id, outcome.Value, outcome == ToolCallOutcome.Error ? errorCode : null);

    /// <summary>The standard JSON-RPC and MCP error codes as strings, cached; other codes are one bounded value.</summary>
    private static class ErrorCodes
    {
        private static readonly int[] Known = [-32700, -32600, -32601, -32602, -32603, -32000, -32001, -32002, -32020, -32022, -32042];
        private static readonly string[] Labels = Known.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        public static string Label(int code)
        {
            var i = Array.IndexOf(Known, code);
            return i >= 0 ? Labels[i] : "other";
        }
    }

    private static bool StartsWithError(ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart(" \t\r\n:"u8);
        return rest.Length > 1 && rest[0] == (byte)'"' && rest[1..].StartsWith("Error"u8);
    }

    private enum Section
    {
        None,
        Result,
        Error,
    }
}
