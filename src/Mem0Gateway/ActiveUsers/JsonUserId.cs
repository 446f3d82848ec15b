using System.Text.Json;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// Reads <c>user_id</c> from a JSON request body: top level (mem0 add/search, OpenMemory create/filter/delete) or inside
/// <c>filters</c> (mem0's newer search). Nothing else in the body is decoded.
/// </summary>
public static class JsonUserId
{
    public static string? Find(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? fromFilters = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("user_id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        return reader.GetString();
                    }
                }
                else if (reader.ValueTextEquals("filters"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        fromFilters ??= FindInObject(ref reader);
                    }
                }
                else
                {
                    reader.Read();
                }

                reader.Skip();
            }

            return fromFilters;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads the rest of the current object, returning its <c>user_id</c> string; the reader ends on its EndObject.</summary>
    private static string? FindInObject(ref Utf8JsonReader reader)
    {
        string? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUserId = reader.ValueTextEquals("user_id"u8);
            reader.Read();
            if (isUserId && reader.TokenType == JsonTokenType.String)
            {
                found ??= reader.GetString();
            }

            reader.Skip();
        }

        return found;
    }
}
