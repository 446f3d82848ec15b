using Mem0Gateway.Proxy;

namespace Mem0Gateway.Logging;

/// <summary>
/// Passes a request or response body through unchanged and adds the bytes to the request's
/// <see cref="ProxyRequestContext"/>, for the access log's <c>http.request.body.bytes</c> and
/// <c>http.response.body.bytes</c>. It never owns the inner stream.
/// </summary>
internal sealed class ByteCountingStream : Stream
{
    private readonly Stream _inner;
    private readonly ProxyRequestContext _request;
    private readonly bool _isResponse;

    private ByteCountingStream(Stream inner, ProxyRequestContext request, bool isResponse)
    {
        _inner = inner;
        _request = request;
        _isResponse = isResponse;
    }

    public static Stream ForRequest(Stream inner, ProxyRequestContext request) => new ByteCountingStream(inner, request, isResponse: false);

    public static Stream ForResponse(Stream inner, ProxyRequestContext request) => new ByteCountingStream(inner, request, isResponse: true);

    public override bool CanRead => !_isResponse && _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _isResponse && _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(_inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Counted(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Counted(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count)
    {
        _inner.Write(buffer, offset, count);
        _request.AddResponseBodyBytes(count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        _request.AddResponseBodyBytes(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _request.AddResponseBodyBytes(buffer.Length);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int Counted(int read)
    {
        _request.AddRequestBodyBytes(read);
        return read;
    }
}
