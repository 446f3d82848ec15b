namespace Mem0Gateway.Tracing;

/// <summary>
/// Span tag values are objects: the ints every request tags (status code, ports) are boxed once here, so tagging them
/// allocates nothing.
/// </summary>
internal static class BoxedTagValues
{
    private static readonly object[] StatusCodes = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();

    public static object StatusCode(int statusCode) => statusCode is >= 0 and < 600 ? StatusCodes[statusCode] : statusCode;
}
