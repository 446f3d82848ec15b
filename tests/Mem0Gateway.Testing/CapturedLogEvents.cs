using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Testing;

/// <summary>
/// Every event logged through ILogger in a gateway (category, level, formatted message, and the full text with state values
/// and exception), for tests that count what was said or search for what must not be there. What the gateway finally
/// writes to stdout is <see cref="CapturedLogOutput"/>.
/// </summary>
public sealed class CapturedLogEvents : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEvent> _events = new();

    public IReadOnlyCollection<CapturedLogEvent> Events => _events;

    public IEnumerable<string> Messages(string contains) => _events.Select(e => e.Message).Where(m => m.Contains(contains, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _events);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLogEvent> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            events.Enqueue(new CapturedLogEvent(category, logLevel, message, $"{logLevel} {category}: {message} {values} {exception}"));
        }
    }
}
