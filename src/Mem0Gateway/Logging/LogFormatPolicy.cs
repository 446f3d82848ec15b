using Mem0Gateway.Configuration;

namespace Mem0Gateway.Logging;

/// <summary>Decides whether log lines are written for a person or for a log shipper.</summary>
internal static class LogFormatPolicy
{
    /// <summary>Pretty when asked for, or by default when a person is watching stdout; JSON for pipes, files and containers.</summary>
    public static bool UsePretty(LogFormat format, bool outputIsTerminal) => format switch
    {
        LogFormat.Pretty => true,
        LogFormat.Json => false,
        _ => outputIsTerminal,
    };

    /// <summary>Colours unless the NO_COLOR convention (https://no-color.org) asks for none.</summary>
    public static bool UseColour() => string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
