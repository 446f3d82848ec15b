namespace Mem0Gateway.Configuration;

/// <summary>Request limits of the proxy listeners (<c>Gateway:Limits</c>). A route's <c>MaxRequestBodySize</c> in yarp.json overrides the body limit.</summary>
public sealed class GatewayLimitsOptions
{
    /// <summary>mem0 requests are small JSON; 10 MiB leaves room for long conversations. Larger gets 413.</summary>
    public long MaxRequestBodySize { get; set; } = 10 * 1024 * 1024;
}
