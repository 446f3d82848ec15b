using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mem0Gateway.Mcp;

/// <summary>Reads <c>method</c>, <c>id</c> and the few <c>params</c> members the gateway labels by, of a JSON-RPC message or batch; skips everything else.</summary>
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
        string? method = null, id = null;
        var parameters = default(Params);
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
                    parameters = ReadParams(ref reader);
                    continue;
                }
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        var client = parameters.ClientInfo.Name is not null ? parameters.ClientInfo : parameters.MetaClientInfo;
        return new JsonRpcRequest(method, id, parameters.Name, client.Name, client.Version, parameters.ProtocolVersion);
    }

    /// <summary>
    /// Reads the params object to its end, keeping <c>name</c>, <c>protocolVersion</c>, <c>clientInfo</c> and the
    /// client info in <c>_meta</c>; <c>arguments</c> and everything else are skipped unread.
    /// </summary>
    private static Params ReadParams(ref Utf8JsonReader reader)
    {
        var result = default(Params);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                result.Name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("protocolVersion"u8))
            {
                result.ProtocolVersion = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("clientInfo"u8))
            {
                reader.Read();
                result.ClientInfo = ReadImplementation(ref reader);
            }
            else if (reader.ValueTextEquals("_meta"u8))
            {
                reader.Read();
                result.MetaClientInfo = ReadMetaClientInfo(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return result;
    }

    /// <summary><c>_meta["io.modelcontextprotocol/clientInfo"]</c> (2026-07-28), or a bare <c>clientInfo</c> key.</summary>
    private static ClientInfo ReadMetaClientInfo(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        var found = default(ClientInfo);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isClientInfo = reader.ValueTextEquals("io.modelcontextprotocol/clientInfo"u8) || reader.ValueTextEquals("clientInfo"u8);
            reader.Read();
            if (isClientInfo)
            {
                found = ReadImplementation(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return found;
    }

    /// <summary>An MCP <c>Implementation</c> object: <c>name</c> and <c>version</c>; the reader ends on its last token.</summary>
    private static ClientInfo ReadImplementation(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        var info = default(ClientInfo);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                info.Name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                info.Version = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return info;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private struct ClientInfo
    {
        public string? Name;
        public string? Version;
    }

    private struct Params
    {
        public string? Name;
        public string? ProtocolVersion;
        public ClientInfo ClientInfo;
        public ClientInfo MetaClientInfo;
    }
}
