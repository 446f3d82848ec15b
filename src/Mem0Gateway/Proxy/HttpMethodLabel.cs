namespace Mem0Gateway.Proxy;

/// <summary>The request method reduced to the known HTTP methods; anything else is <c>_OTHER</c> (OTel's convention).</summary>
public enum HttpMethodLabel
{
    Get, Post, Put, Patch, Delete, Head, Options, Trace, Connect, Other,
}

public static class HttpMethodLabels
{
    private static readonly string[] Labels = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "_OTHER"];

    public static int Count => Labels.Length;

    public static string ToLabel(this HttpMethodLabel method) => Labels[(int)method];

    /// <summary>Kestrel interns the known methods, so the common case is a reference comparison.</summary>
    public static HttpMethodLabel FromMethod(string method) => method switch
    {
        _ when HttpMethods.IsGet(method) => HttpMethodLabel.Get,
        _ when HttpMethods.IsPost(method) => HttpMethodLabel.Post,
        _ when HttpMethods.IsPut(method) => HttpMethodLabel.Put,
        _ when HttpMethods.IsPatch(method) => HttpMethodLabel.Patch,
        _ when HttpMethods.IsDelete(method) => HttpMethodLabel.Delete,
        _ when HttpMethods.IsHead(method) => HttpMethodLabel.Head,
        _ when HttpMethods.IsOptions(method) => HttpMethodLabel.Options,
        _ when HttpMethods.IsTrace(method) => HttpMethodLabel.Trace,
        _ when HttpMethods.IsConnect(method) => HttpMethodLabel.Connect,
        _ => HttpMethodLabel.Other,
    };
}
