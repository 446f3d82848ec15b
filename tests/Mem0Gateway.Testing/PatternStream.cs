using System.Security.Cryptography;

namespace Mem0Gateway.Testing;

/// <summary>A readable stream of a known, repeatable byte pattern, generated as it is read (nothing held in memory).</summary>
public sealed class PatternStream : Stream
{
    private readonly long _length;
    private long _position;

    public PatternStream(long length) => _length = length;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public static byte ByteAt(long position) => (byte)((position * 7) ^ (position >> 11));

    public static string Sha256(long length)
    {
        using var stream = new PatternStream(length);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = ByteAt(_position + i);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
