using System.Diagnostics;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Tracing;

/// <summary>The HTTP semantic-convention values the SERVER and CLIENT spans share, decided in one place.</summary>
internal static class HttpSpanConventions
{
    /// <summary>The method as a span name starts with it: a method outside the known set is "HTTP".</summary>
    public static string VerbOf(HttpMethodLabel method) => method == HttpMethodLabel.Other ? "HTTP" : method.ToLabel();

    /// <summary><c>http.request.method</c>, and the method as sent when it is not one the conventions know.</summary>
    public static void AddMethod(Activity activity, HttpMethodLabel method, string rawMethod)
    {
        activity.AddTag("http.request.method", method.ToLabel());
        if (method == HttpMethodLabel.Other)
        {
            activity.AddTag("http.request.method_original", rawMethod);
        }
    }

    /// <summary><c>network.protocol.version</c> of a request ASP.NET Core received ("HTTP/1.1" is "1.1").</summary>
    public static string ProtocolVersionOf(string protocol) => protocol switch
    {
        _ when HttpProtocol.IsHttp11(protocol) => "1.1",
        _ when HttpProtocol.IsHttp2(protocol) => "2",
        _ when HttpProtocol.IsHttp3(protocol) => "3",
        _ when HttpProtocol.IsHttp10(protocol) => "1.0",
        _ => protocol,
    };

    /// <summary><c>network.protocol.version</c> of a response HttpClient received.</summary>
    public static string ProtocolVersionOf(Version version) => version switch
    {
        { Major: 1, Minor: 1 } => "1.1",
        { Major: 2 } => "2",
        { Major: 3 } => "3",
        { Major: 1, Minor: 0 } => "1.0",
        _ => version.ToString(),
    };
}
