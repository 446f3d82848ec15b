namespace Mem0Gateway.Mcp;

public enum SseEventKind
{
    Message,
    Endpoint,
    Other,
}

/// <summary>Receives each complete event; <paramref name="data"/> is at most the scanner's limit and only valid during the call.</summary>
public delegate void SseEventHandler(SseEventKind kind, ReadOnlySpan<byte> data);

/// <summary>
/// Incremental <c>text/event-stream</c> parser for bytes that are passing through: it sees every chunk once, keeps only
/// the first <c>limit</c> bytes of the current line and of the current event's data, and reports each event when its
/// blank line arrives. It never holds back or copies the stream itself. Lines end in CRLF, LF or CR (the SSE spec).
/// </summary>
public sealed class SseEventScanner
{
    private readonly SseEventHandler _handler;
    private readonly byte[] _line;
    private readonly byte[] _data;
    private int _lineLength;
    private int _dataLength;
    private bool _hasData;
    private bool _afterCarriageReturn;
    private SseEventKind _kind = SseEventKind.Message;

    public SseEventScanner(int limit, SseEventHandler handler)
    {
        _handler = handler;
        _line = new byte[limit + 8];
        _data = new byte[limit];
    }

    public void Scan(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (bytes[0] == (byte)'\n')
                {
                    bytes = bytes[1..];
                    continue;
                }
            }

            var end = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                AppendToLine(bytes);
                return;
            }

            AppendToLine(bytes[..end]);
            _afterCarriageReturn = bytes[end] == (byte)'\r';
            bytes = bytes[(end + 1)..];
            EndOfLine();
        }
    }

    private void AppendToLine(ReadOnlySpan<byte> bytes)
    {
        var room = _line.Length - _lineLength;
        var n = Math.Min(room, bytes.Length);
        bytes[..n].CopyTo(_line.AsSpan(_lineLength));
        _lineLength += n;
    }

    private void EndOfLine()
    {
        var line = _line.AsSpan(0, _lineLength);
        _lineLength = 0;
        if (line.IsEmpty)
        {
            Dispatch();
            return;
        }

        if (line[0] == (byte)':')
        {
            return; // a comment: sse-starlette's keep-alive pings
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            if (_hasData)
            {
                AppendToData("\n"u8);
            }

            AppendToData(value);
            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _kind = value.SequenceEqual("message"u8) ? SseEventKind.Message
                : value.SequenceEqual("endpoint"u8) ? SseEventKind.Endpoint
                : SseEventKind.Other;
        }
    }

    private void AppendToData(ReadOnlySpan<byte> bytes)
    {
        var n = Math.Min(_data.Length - _dataLength, bytes.Length);
        bytes[..n].CopyTo(_data.AsSpan(_dataLength));
        _dataLength += n;
    }

    private void Dispatch()
    {
        if (_hasData)
        {
            _handler(_kind, _data.AsSpan(0, _dataLength));
        }

        _hasData = false;
        _dataLength = 0;
        _kind = SseEventKind.Message;
    }
}
