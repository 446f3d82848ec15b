using Serilog.Events;

namespace Mem0Gateway.Logging;

/// <summary>Writes one log line (newline included) for an application event or an access-log entry.</summary>
internal interface ILogLineFormatter
{
    void Format(LogEvent logEvent, TextWriter output);

    void Format(AccessLogEntry entry, TextWriter output);
}
