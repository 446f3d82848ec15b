namespace Mem0Gateway.Mcp;

/// <summary>Sees the bytes of a response after they were handed on; only valid during the call.</summary>
public delegate void WrittenBytesObserver(ReadOnlySpan<byte> written);

/// <summary>
/// A write-only pass-through in front of the response body: every write and flush goes straight to the inner stream
/// (nothing is held back, so event streams stay live), then the observer sees the bytes that were written. An observer
/// that throws is dropped: the stream must never fail because of the gateway's bookkeeping.
/// </summary>
public sealed class ObservingWriteStream : Stream
{
    private readonly Stream _inner;
    private WrittenBytesObserver? _observer;

    public ObservingWriteStream(Stream inner, WrittenBytesObserver observer)
    {
        _inner = inner;
        _observer = observer;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        Observe(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _inner.WriteAsync(buffer, cancellationToken);
        Observe(buffer.Span);
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private void Observe(ReadOnlySpan<byte> written)
    {
        if (_observer is not { } observer || written.IsEmpty)
        {
            return;
        }

        try
        {
            observer(written);
        }
        catch (Exception)
        {
            _observer = null;
        }
    }
}
