namespace Mem0Gateway.Mcp;

/// <summary>The first bytes of a JSON-RPC response from the stateless HTTP endpoint, and what they say about the call.</summary>
internal sealed class ResponseHead
{
    private readonly byte[] _head;
    private int _length;

    public ResponseHead(int limit) => _head = new byte[limit];

    public void Append(ReadOnlySpan<byte> written)
    {
        var n = Math.Min(_head.Length - _length, written.Length);
        written[..n].CopyTo(_head.AsSpan(_length));
        _length += n;
    }

    /// <summary>
    /// The outcome of request <paramref name="idKey"/>: from the JSON body, or from the matching event when the server
    /// chose to answer as an event stream. No JSON-RPC answer at all is an error.
    /// </summary>
    public ToolCallOutcome Classify(bool isEventStream, string idKey)
    {
        var head = _head.AsSpan(0, _length);
        if (isEventStream)
        {
            ToolCallOutcome? found = null;
            var scanner = new SseEventScanner(_head.Length, (kind, data) =>
            {
                if (kind == SseEventKind.Message && JsonRpcResponseSniffer.Sniff(data) is { } r && r.IdKey == idKey)
                {
                    found ??= r.Outcome;
                }
            });
            scanner.Scan(head);
            scanner.Scan("\n\n"u8);
            return found ?? ToolCallOutcome.Error;
        }

        return JsonRpcResponseSniffer.Sniff(head) is { } response1 && response1.IdKey == idKey ? response1.Outcome : ToolCallOutcome.Error;
    }
}
