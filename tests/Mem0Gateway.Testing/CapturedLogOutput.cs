using System.Text;
using System.Text.Json.Nodes;

namespace Mem0Gateway.Testing;

/// <summary>
/// Stands in for the gateway's stdout: collects the ECS JSON lines the log sink writes, for tests to parse line by line.
/// The ILogger events before formatting are <see cref="CapturedLogEvents"/>.
/// </summary>
public sealed class CapturedLogOutput : TextWriter
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
        IReadOnlyList<JsonObject> objects = [];
        try
        {
            await Poll.UntilAsync(() => done(objects = Objects), TimeSpan.FromMilliseconds(timeoutMs), "log lines");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("Log lines did not arrive. Output so far:\n" + Text);
        }

        return objects;
    }
}
