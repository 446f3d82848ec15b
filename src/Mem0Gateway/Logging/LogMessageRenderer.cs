using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;

namespace Mem0Gateway.Logging;

/// <summary>An event's message with its values embedded, strings unquoted (as people read it), for every formatter.</summary>
internal static class LogMessageRenderer
{
    public static void Render(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            switch (token)
            {
                case TextToken literal:
                    output.Write(literal.Text);
                    break;
                case PropertyToken property when logEvent.Properties.TryGetValue(property.PropertyName, out var value):
                    if (value is ScalarValue { Value: string raw })
                    {
                        output.Write(raw);
                    }
                    else
                    {
                        value.Render(output, property.Format, CultureInfo.InvariantCulture);
                    }

                    break;
                default:
                    output.Write(token.ToString());
                    break;
            }
        }
    }
}
