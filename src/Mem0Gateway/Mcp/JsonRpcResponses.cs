namespace Mem0Gateway.Mcp;

/// <summary>The JSON-RPC responses in one complete piece of JSON: an object, or a batch array of them (2025-03-26).</summary>
internal static class JsonRpcResponses
{
    public static void Read(ReadOnlySpan<byte> json, int limit, Action<JsonRpcResponseSniffer.Response> onResponse)
    {
        var start = json.TrimStart(" \t\r\n"u8);
        if (start.IsEmpty)
        {
            return;
        }

        if (start[0] != (byte)'[')
        {
            if (JsonRpcResponseSniffer.Sniff(start) is { } response)
            {
                onResponse(response);
            }

            return;
        }

        // Batches are rare (and gone since 2025-06-18): a splitter for each is fine.
        new JsonMessageSplitter(limit, head =>
        {
            if (JsonRpcResponseSniffer.Sniff(head) is { } response)
            {
                onResponse(response);
            }
        }).Scan(start);
    }
}
