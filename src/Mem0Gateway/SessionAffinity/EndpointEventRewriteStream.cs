using System.Buffers;
using System.Text;

namespace Mem0Gateway.SessionAffinity;

/// <summary>
/// Wraps a 2024 HTTP+SSE response body and puts the destination hint on the session id inside the stream's
/// <c>endpoint</c> event (<c>data: /mcp/messages/?session_id=…</c>). Only the bytes of the events before and including
/// that one are held, until each event is complete (at most <see cref="MaxScanBytes"/>); from then on every write goes
/// straight through, so the stream is never buffered.
/// </summary>
internal sealed class EndpointEventRewriteStream(Stream inner, Func<string, string> hintedId) : Stream
{
    private const int MaxScanBytes = 8 * 1024;

    private byte[]? _pending = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => _pending is null ? inner.WriteAsync(buffer, cancellationToken) : ScanAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_pending is not null)
        {
            // The stream ended inside an unfinished event: pass on what came, unchanged.
            await inner.WriteAsync(_pending.AsMemory(0, _length));
            Release();
        }

        await base.DisposeAsync();
    }

    private async ValueTask ScanAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_length + buffer.Length > MaxScanBytes)
        {
            // No endpoint event where one must be: not the 2024 transport. Pass everything on untouched.
            await inner.WriteAsync(_pending.AsMemory(0, _length), cancellationToken);
            Release();
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        Append(buffer.Span);
        while (_pending is not null && EventEnd(_pending.AsSpan(0, _length)) is var end and > 0)
        {
            var text = Encoding.UTF8.GetString(_pending, 0, end);
            if (Rewrite(text) is { } rewritten)
            {
                await inner.WriteAsync(Encoding.UTF8.GetBytes(rewritten), cancellationToken);
                await inner.WriteAsync(_pending.AsMemory(end, _length - end), cancellationToken);
                Release();
                return;
            }

            await inner.WriteAsync(_pending.AsMemory(0, end), cancellationToken);
            _pending.AsSpan(end, _length - end).CopyTo(_pending);
            _length -= end;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _pending!.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_pending.Length * 2, _length + bytes.Length));
            _pending.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = larger;
        }

        bytes.CopyTo(_pending.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Release()
    {
        ArrayPool<byte>.Shared.Return(_pending!);
        _pending = null;
        _length = 0;
    }

    /// <summary>Length of the first complete event (through its blank line), or 0 when none is complete yet.</summary>
    private static int EventEnd(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is not ((byte)'\n' or (byte)'\r'))
            {
                continue;
            }

            // End of a line; the event ends if the next line is empty.
            var next = bytes[i] == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n' ? i + 2 : i + 1;
            if (bytes[i] == '\r' && i + 1 == bytes.Length)
            {
                return 0; // "\r" at the end: wait to see whether "\n" follows
            }

            if (next < bytes.Length && bytes[next] == '\n')
            {
                return next + 1;
            }

            if (next < bytes.Length && bytes[next] == '\r')
            {
                return next + 1 < bytes.Length ? (bytes[next + 1] == '\n' ? next + 2 : next + 1) : 0;
            }
        }

        return 0;
    }

    /// <summary>The endpoint event with the hint on its session id; null for any other event.</summary>
    private string? Rewrite(string text)
    {
        var isEndpoint = false;
        int dataStart = -1, dataEnd = -1;
        var position = 0;
        while (position < text.Length)
        {
            var lineEnd = text.IndexOfAny(['\r', '\n'], position);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var line = text.AsSpan(position, lineEnd - position);
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                isEndpoint = line["event:".Length..].Trim(' ').SequenceEqual("endpoint");
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                dataStart = position + "data:".Length;
                dataEnd = lineEnd;
            }

            position = lineEnd + 1;
        }

        if (!isEndpoint || dataStart < 0)
        {
            return null;
        }

        var data = text.AsSpan(dataStart, dataEnd - dataStart);
        foreach (var name in McpSessionIds.QueryParameters)
        {
            var at = FindParameter(data, name);
            if (at < 0)
            {
                continue;
            }

            var valueStart = at + name.Length + 1;
            var valueLength = data[valueStart..].IndexOfAny('&', '#');
            var valueEnd = valueLength < 0 ? data.Length : valueStart + valueLength;
            var upstreamId = Uri.UnescapeDataString(data[valueStart..valueEnd].ToString());
            var suffix = hintedId(upstreamId)[upstreamId.Length..];
            return string.Concat(text.AsSpan(0, dataStart + valueEnd), suffix, text.AsSpan(dataStart + valueEnd));
        }

        return text; // an endpoint event without a session id: nothing to hint, and no later event to look at
    }

    private static int FindParameter(ReadOnlySpan<char> url, string name)
    {
        var query = url.IndexOf('?');
        for (var i = query; i >= 0 && i < url.Length;)
        {
            var candidate = url[(i + 1)..];
            if (candidate.StartsWith(name, StringComparison.Ordinal) && candidate.Length > name.Length && candidate[name.Length] == '=')
            {
                return i + 1;
            }

            var next = candidate.IndexOf('&');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return -1;
    }
}
