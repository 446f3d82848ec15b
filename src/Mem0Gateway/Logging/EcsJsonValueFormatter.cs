using Serilog.Formatting.Json;

namespace Mem0Gateway.Logging;

/// <summary>Serilog's JSON value formatter with the gateway's string escaping (<see cref="JsonText"/>), so a property
/// value holding U+2028/U+2029 cannot split a log line either.</summary>
internal sealed class EcsJsonValueFormatter() : JsonValueFormatter(typeTagName: null)
{
    protected override void FormatLiteralValue(object? value, TextWriter output)
    {
        if (value is string text)
        {
            JsonText.WriteQuoted(text, output);
            return;
        }

        base.FormatLiteralValue(value, output);
    }
}
