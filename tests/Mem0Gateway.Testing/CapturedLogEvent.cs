using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Testing;

/// <summary>One ILogger event: <see cref="Text"/> holds everything it carried (message, state values, exception).</summary>
public sealed record CapturedLogEvent(string Category, LogLevel Level, string Message, string Text);
