using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Parsing;

namespace Mem0Gateway.Logging;

/// <summary>
/// Queues Serilog events and access-log entries (which skip Serilog's event machinery) and writes them from one
/// background thread that wakes on a fixed interval, formats everything queued and flushes once. A request thread only
/// enqueues: no signalling per event (Serilog's batching sink wakes a worker, and awaits a timer race, for nearly every
/// event at proxy rates). The queue is bounded: if stdout stalls, events are dropped and counted, never blocking
/// requests or growing memory, and the drop is reported in the log itself once the writer catches up.
/// </summary>
internal sealed class BackgroundLogWriterSink : ILogEventSink, IDisposable
{
    private static readonly MessageTemplate DroppedMessage =
        new MessageTemplateParser().Parse("{Dropped} log events were dropped: the log output could not keep up");

    private readonly ConcurrentQueue<QueuedLine> _queue = new();
    private readonly ILogLineFormatter _formatter;
    private readonly TextWriter _writer;
    private readonly int _queueLimit;
    private readonly TimeSpan _interval;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Thread _thread;
    private int _queued;
    private long _dropped;
    private int _disposed;

    public BackgroundLogWriterSink(ILogLineFormatter formatter, TextWriter writer, int queueLimit, TimeSpan interval)
    {
        _formatter = formatter;
        _writer = writer;
        _queueLimit = queueLimit;
        _interval = interval;
        _thread = new Thread(Run) { IsBackground = true, Name = "Log writer" };
        _thread.Start();
    }

    /// <summary>Events dropped so far because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent) => Enqueue(new QueuedLine(logEvent, null));

    public void Write(AccessLogEntry entry) => Enqueue(new QueuedLine(null, entry));

    private void Enqueue(QueuedLine line)
    {
        if (Interlocked.Increment(ref _queued) > _queueLimit)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }

        _queue.Enqueue(line);
    }

    /// <summary>Stops the writer thread after it has written everything queued.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Set();
        _thread.Join();
        _stopping.Dispose();
    }

    private void Run()
    {
        long reportedDrops = 0;
        bool stopping;
        do
        {
            stopping = _stopping.Wait(_interval);
            var wrote = false;
            while (_queue.TryDequeue(out var line))
            {
                Interlocked.Decrement(ref _queued);
                wrote |= TryWrite(line);
            }

            var dropped = Dropped;
            if (dropped != reportedDrops)
            {
                wrote |= TryWrite(new QueuedLine(DroppedEvent(dropped - reportedDrops), null));
                reportedDrops = dropped;
            }

            if (wrote)
            {
                try
                {
                    _writer.Flush();
                }
                catch (IOException)
                {
                    // stdout gone (the reader exited): nothing else can report it.
                }
            }
        }
        while (!stopping);
    }

    private bool TryWrite(QueuedLine line)
    {
        try
        {
            if (line.Access is { } entry)
            {
                _formatter.Format(entry, _writer);
            }
            else
            {
                _formatter.Format(line.Event!, _writer);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or FormatException or InvalidOperationException)
        {
            SelfLog.WriteLine("Log event could not be written: {0}", ex);
            return false;
        }
    }

    private static LogEvent DroppedEvent(long count) => new(
        DateTimeOffset.UtcNow,
        LogEventLevel.Warning,
        exception: null,
        DroppedMessage,
        [
            new LogEventProperty("SourceContext", new ScalarValue(typeof(BackgroundLogWriterSink).FullName)),
            new LogEventProperty("Dropped", new ScalarValue(count)),
        ]);

    /// <summary>One line to write: a Serilog event or an access-log entry.</summary>
    private readonly record struct QueuedLine(LogEvent? Event, AccessLogEntry? Access);
}
