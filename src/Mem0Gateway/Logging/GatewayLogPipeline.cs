using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Core;

namespace Mem0Gateway.Logging;

/// <summary>
/// The gateway's one Serilog logger: ECS JSON lines (or, for a person at a terminal, readable ones) to
/// <see cref="GatewayLogOutput"/> through a bounded queue written by a background thread. Levels are decided by
/// Microsoft.Extensions.Logging (<c>Logging:LogLevel</c>), so Serilog itself lets everything through. Disposing it (host shutdown) writes what is queued.
/// </summary>
public sealed class GatewayLogPipeline : IDisposable
{
    /// <summary>How often queued lines are written: the most a line waits, and the number of stdout flushes a second.</summary>
    private static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(50);

    private const int QueueLimit = 100_000;

    private readonly BackgroundLogWriterSink _sink;

    public GatewayLogPipeline(GatewayLogOutput output, IConfiguration configuration, IOptions<GatewayOptions> gateway)
    {
        ILogLineFormatter formatter = LogFormatPolicy.UsePretty(gateway.Value.LogFormat, output.IsTerminal)
            ? new PrettyConsoleFormatter(LogFormatPolicy.UseColour())
            : new EcsJsonFormatter(TelemetryServiceName.From(configuration));
        _sink = new BackgroundLogWriterSink(formatter, output.Writer, QueueLimit, WriteInterval);
        Logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.With<ScopePropertyScrubber>()
            .WriteTo.Sink(_sink)
            .CreateLogger();
    }

    public Logger Logger { get; }

    /// <summary>Lines dropped so far because the output could not keep up.</summary>
    public long DroppedEvents => _sink.Dropped;

    /// <summary>Queues an access-log line; it is written with the other lines, in the same format and order.</summary>
    internal void Write(AccessLogEntry entry) => _sink.Write(entry);

    public void Dispose()
    {
        Logger.Dispose();
        _sink.Dispose();
    }
}
