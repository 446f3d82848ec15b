using Mem0Gateway.Tracing;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;

namespace Mem0Gateway.Logging;

/// <summary>
/// The gateway's one Serilog logger: ECS JSON lines to <see cref="GatewayLogOutput"/> through a bounded batching queue.
/// Levels are decided by Microsoft.Extensions.Logging (<c>Logging:LogLevel</c>), so Serilog itself lets everything
/// through. Disposing it (host shutdown) flushes what is queued.
/// </summary>
public sealed class GatewayLogPipeline : IDisposable
{
    public GatewayLogPipeline(GatewayLogOutput output, IConfiguration configuration)
    {
        Logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.With<ScopePropertyScrubber>()
            .WriteTo.Sink(
                new BatchedTextWriterSink(new EcsJsonFormatter(TelemetryServiceName.From(configuration)), output.Writer),
                new BatchingOptions
                {
                    BatchSizeLimit = 1000,
                    BufferingTimeLimit = TimeSpan.FromMilliseconds(100),
                    EagerlyEmitFirstEvent = true,
                    QueueLimit = 100_000,
                })
            .CreateLogger();
    }

    public Logger Logger { get; }

    public void Dispose() => Logger.Dispose();
}
