using System.Text;

namespace Mem0Gateway.Logging;

/// <summary>Where the JSON log lines go: stdout, unless a test registers its own writer.</summary>
public sealed class GatewayLogOutput
{
    public GatewayLogOutput(TextWriter writer) => Writer = writer;

    public TextWriter Writer { get; }

    /// <summary>Buffered stdout, flushed once per batch rather than once per line.</summary>
    public static GatewayLogOutput StandardOutput()
        => new(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false });
}
