using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mem0Gateway.Mcp;

/// <summary>Reads <c>method</c>, <c>id</c> and <c>params.name</c> of a JSON-RPC message or batch; skips everything else.</summary>
public static class JsonRpcRequestReader
{
    /// <summary>The messages in <paramref name="json"/>; null when it is not JSON-RPC.</summary>
    public static JsonRpcRequest[]? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                return [ReadMessage(ref reader)];
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            var batch = new List<JsonRpcRequest>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    batch.Add(ReadMessage(ref reader));
                }
                else
                {
                    reader.Skip();
                }
            }

            return batch.ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The correlation key of an id token: numbers and strings never collide ("n:1" vs "s:1").</summary>
    internal static string? IdKey(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => "n:" + Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        JsonTokenType.String => "s:" + reader.GetString(),
        _ => null,
    };

    private static JsonRpcRequest ReadMessage(ref Utf8JsonReader reader)
    {
        string? method = null, id = null, tool = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = IdKey(ref reader);
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    tool = ReadToolName(ref reader);
                    continue;
                }
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        return new JsonRpcRequest(method, id, method == "tools/call" ? tool : null);
    }

    /// <summary>Reads the params object to its end, returning <c>name</c> (the tool); <c>arguments</c> is skipped unread.</summary>
    private static string? ReadToolName(ref Utf8JsonReader reader)
    {
        string? name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isName = reader.ValueTextEquals("name"u8);
            reader.Read();
            if (isName && reader.TokenType == JsonTokenType.String)
            {
                name = reader.GetString();
            }

            reader.Skip();
        }

        return name;
    }
}
