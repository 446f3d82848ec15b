namespace Mem0Gateway.Mcp;

/// <summary>Receives the first bytes of one JSON-RPC message; only valid during the call.</summary>
public delegate void JsonMessageHandler(ReadOnlySpan<byte> head);

/// <summary>
/// Finds the JSON-RPC messages in bytes passing through, one object or a batch array of them (2025-03-26), however the
/// bytes are chunked: it tracks nesting and strings, keeps the first <c>limit</c> bytes of each message and reports
/// it when its closing brace arrives. Nothing else is copied or held back.
/// </summary>
public sealed class JsonMessageSplitter
{
    private readonly JsonMessageHandler _handler;
    private readonly byte[] _head;
    private int _headLength;
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _inArray;

    public JsonMessageSplitter(int limit, JsonMessageHandler handler)
    {
        _handler = handler;
        _head = new byte[limit];
    }

    public void Scan(ReadOnlySpan<byte> bytes)
    {
        var messageStart = _depth > (_inArray ? 1 : 0) ? 0 : -1;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    _escaped = true;
                }
                else if (b == (byte)'"')
                {
                    _inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    _inString = true;
                    break;
                case (byte)'[' when _depth == 0:
                    _inArray = true;
                    _depth = 1;
                    break;
                case (byte)'{' or (byte)'[':
                    if (_depth == (_inArray ? 1 : 0))
                    {
                        messageStart = i;
                        _headLength = 0;
                    }

                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (_depth == 0)
                    {
                        break;
                    }

                    _depth--;
                    if (_inArray && _depth == 0)
                    {
                        _inArray = false;
                    }
                    else if (_depth == (_inArray ? 1 : 0) && messageStart >= 0)
                    {
                        Append(bytes[messageStart..(i + 1)]);
                        messageStart = -1;
                        _handler(_head.AsSpan(0, _headLength));
                        _headLength = 0;
                    }

                    break;
            }
        }

        if (messageStart >= 0)
        {
            Append(bytes[messageStart..]);
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        var n = Math.Min(_head.Length - _headLength, bytes.Length);
        bytes[..n].CopyTo(_head.AsSpan(_headLength));
        _headLength += n;
    }
}
