namespace Mem0Gateway.Mcp;

/// <summary>
/// A request body whose first bytes were already read to peek at them: it hands those bytes out again, then reads on
/// from the client. Only the peeked prefix (at most the peek limit) is ever held; the rest streams as before.
/// </summary>
internal sealed class PrefixReplayStream : Stream
{
    private readonly byte[] _prefix;
    private readonly Stream _inner;
    private int _position;

    public PrefixReplayStream(byte[] prefix, Stream inner)
    {
        _prefix = prefix;
        _inner = inner;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
        => _position < _prefix.Length ? Replay(buffer) : _inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _position < _prefix.Length ? ValueTask.FromResult(Replay(buffer.Span)) : _inner.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Replay(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _prefix.Length - _position);
        _prefix.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}
