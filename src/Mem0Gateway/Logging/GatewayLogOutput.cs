using System.Text;

namespace Mem0Gateway.Logging;

/// <summary>Where the log lines go: stdout, unless a test registers its own writer.</summary>
public sealed class GatewayLogOutput
{
    public GatewayLogOutput(TextWriter writer, bool isTerminal = false)
    {
        Writer = writer;
        IsTerminal = isTerminal;
    }

    public TextWriter Writer { get; }

    /// <summary>A person is watching: stdout is a terminal, not a pipe or a file.</summary>
    public bool IsTerminal { get; }

    /// <summary>Buffered stdout, flushed once per batch rather than once per line.</summary>
    public static GatewayLogOutput StandardOutput()
        => new(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false },
            isTerminal: !Console.IsOutputRedirected);
}
