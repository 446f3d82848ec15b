namespace Mem0Gateway.Proxy;

/// <summary>Status codes as text (metric labels, span error types), formatted once.</summary>
public static class StatusCodeLabels
{
    private static readonly string[] Labels = Enumerable.Range(0, 600).Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Codes outside 100-599 cannot come from a real response; they collapse into one bounded value.</summary>
    public static string ToLabel(int statusCode) => statusCode is >= 100 and < 600 ? Labels[statusCode] : "other";
}
