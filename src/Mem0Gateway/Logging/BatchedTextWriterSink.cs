using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Mem0Gateway.Logging;

/// <summary>
/// Formats events on Serilog's batching worker, never on a request thread, and flushes once per batch. The queue is
/// bounded: if stdout stalls, events are dropped instead of blocking requests or growing memory.
/// </summary>
internal sealed class BatchedTextWriterSink : IBatchedLogEventSink
{
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _writer;

    public BatchedTextWriterSink(ITextFormatter formatter, TextWriter writer)
    {
        _formatter = formatter;
        _writer = writer;
    }

    public async Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            _formatter.Format(logEvent, _writer);
        }

        await _writer.FlushAsync().ConfigureAwait(false);
    }
}
