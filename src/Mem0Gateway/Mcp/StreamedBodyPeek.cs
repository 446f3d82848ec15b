using System.Buffers;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Peeks at a JSON-RPC body sent without a Content-Length (chunked, as the SDK clients send): reads up to the limit,
/// parses it when the whole body fit, and puts the bytes read back in front of the rest of the body. A larger body is
/// left unparsed and streams on untouched.
/// </summary>
internal static class StreamedBodyPeek
{
    public static bool IsPeekable(HttpRequest request, int limit)
        => limit > 0 && request.ContentLength is null && request.Headers.ContentEncoding.Count == 0
            && McpTraffic.IsJson(request.ContentType);

    public static async ValueTask<JsonRpcRequest[]?> PeekAsync(HttpRequest request, int limit)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        var read = 0;
        try
        {
            while (read < limit + 1)
            {
                var n = await request.Body.ReadAsync(buffer.AsMemory(read, limit + 1 - read), request.HttpContext.RequestAborted);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away mid-body: the forwarder will see the same failure when it reads on.
        }

        try
        {
            // Only what was read is kept for the replay; the peek buffer goes back to the pool.
            request.Body = new PrefixReplayStream(buffer.AsSpan(0, read).ToArray(), request.Body);
            return read <= limit ? JsonRpcRequestReader.Read(buffer.AsSpan(0, read)) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
