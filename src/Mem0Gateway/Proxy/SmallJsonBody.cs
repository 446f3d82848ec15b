using System.Buffers;

namespace Mem0Gateway.Proxy;

/// <summary>Parses what was read from a peeked body; the span is only valid during the call.</summary>
public delegate T BodyParser<out T>(ReadOnlySpan<byte> body);

/// <summary>
/// Reads a small JSON request body before it is forwarded, then rewinds it so YARP sends the identical bytes.
/// Only bodies that declare a Content-Length within the limit, are JSON and are not content-encoded are read; anything
/// else (large uploads, chunked bodies) is left alone and streams through untouched.
/// </summary>
public static class SmallJsonBody
{
    public static bool IsPeekable(HttpRequest request, int limit)
        => request.ContentLength is { } length && length > 0 && length <= limit
            && request.ContentType is { } contentType && IsJson(contentType)
            && request.Headers.ContentEncoding.Count == 0;

    /// <summary>
    /// Buffers the body (in memory: it is below the limit), runs <paramref name="parse"/> over it and rewinds.
    /// Returns default when the body could not be read; forwarding then meets the same failure and reports it.
    /// </summary>
    public static async ValueTask<T?> PeekAsync<T>(HttpRequest request, int limit, BodyParser<T> parse)
    {
        var length = (int)request.ContentLength!.Value;
        request.EnableBuffering(bufferThreshold: limit, bufferLimit: limit);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, request.HttpContext.RequestAborted);
            return parse(buffer.AsSpan(0, read));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return default;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
            }
        }
    }

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
