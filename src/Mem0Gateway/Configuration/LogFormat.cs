namespace Mem0Gateway.Configuration;

/// <summary>How log lines are written (<c>Gateway:LogFormat</c>, or <c>--log-format</c> on the command line).</summary>
public enum LogFormat
{
    /// <summary>Readable coloured lines when stdout is a terminal, ECS JSON everywhere else (pipes, files, containers).</summary>
    Auto,

    /// <summary>ECS JSON lines, whatever stdout is.</summary>
    Json,

    /// <summary>Readable coloured lines for a person, whatever stdout is.</summary>
    Pretty,
}
