using System.Globalization;
using System.Text;

namespace Mem0Gateway.StatusPage;

/// <summary>
/// Reads the Prometheus text exposition format that the gateway's own registry writes for /metrics, so the status
/// page sees exactly the numbers a scraper sees. Comments, timestamps and exemplars are skipped.
/// </summary>
internal static class PrometheusTextParser
{
    public static List<MetricSeries> Parse(string text)
    {
        var series = new List<MetricSeries>();
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (TryParseLine(line, out var parsed))
            {
                series.Add(parsed);
            }
        }

        return series;
    }

    private static bool TryParseLine(ReadOnlySpan<char> line, out MetricSeries series)
    {
        series = default;
        var nameEnd = line.IndexOfAny('{', ' ');
        if (nameEnd <= 0)
        {
            return false;
        }

        var name = line[..nameEnd].ToString();
        var labels = Array.Empty<KeyValuePair<string, string>>();
        var rest = line[nameEnd..];
        if (rest[0] == '{')
        {
            var list = new List<KeyValuePair<string, string>>();
            var position = 1;
            while (position < rest.Length && rest[position] != '}')
            {
                if (rest[position] == ',')
                {
                    position++;
                    continue;
                }

                var equals = rest[position..].IndexOf('=');
                if (equals < 0 || position + equals + 1 >= rest.Length || rest[position + equals + 1] != '"')
                {
                    return false;
                }

                var key = rest.Slice(position, equals).Trim().ToString();
                position += equals + 2;
                var value = new StringBuilder();
                while (position < rest.Length && rest[position] != '"')
                {
                    if (rest[position] == '\\' && position + 1 < rest.Length)
                    {
                        position++;
                        value.Append(rest[position] == 'n' ? '\n' : rest[position]);
                    }
                    else
                    {
                        value.Append(rest[position]);
                    }

                    position++;
                }

                position++; // the closing quote
                list.Add(new(key, value.ToString()));
            }

            if (position >= rest.Length)
            {
                return false;
            }

            labels = list.ToArray();
            rest = rest[(position + 1)..];
        }

        rest = rest.TrimStart();
        var valueEnd = rest.IndexOfAny(' ', '#');
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        if (!TryParseValue(valueText, out var number))
        {
            return false;
        }

        series = new MetricSeries(name, labels, number);
        return true;
    }

    public static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
