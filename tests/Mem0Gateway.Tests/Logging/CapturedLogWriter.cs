using System.Text;
using System.Text.Json.Nodes;

namespace Mem0Gateway.Tests.Logging;

/// <summary>Stands in for the gateway's stdout: collects what the log sink writes, for tests to parse line by line.</summary>
public sealed class CapturedLogWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly object _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Complete lines written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            var end = text.LastIndexOf('\n');
            return end < 0 ? [] : text[..end].Split('\n');
        }
    }

    /// <summary>Every complete line parsed as a JSON object (throws if one is not).</summary>
    public IReadOnlyList<JsonObject> Objects => Lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    public IReadOnlyList<JsonObject> AccessLines => Objects.Where(o => (string?)o["event.dataset"] == "mem0_gateway.access").ToList();

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            _text.Append(buffer, index, count);
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            _text.Append(buffer);
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for the parsed lines (the sink writes in batches every 100 ms).</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForAsync(Func<IReadOnlyList<JsonObject>, bool> done, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var objects = Objects;
            if (done(objects))
            {
                return objects;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Log lines did not arrive. Output so far:\n" + Text);
            }

            await Task.Delay(50);
        }
    }
}
