namespace Mem0Gateway.Proxy;

/// <summary>
/// <c>Gateway:ServerSideCalls</c>: how a UI's server-side call (the mem0 dashboard's middleware and refresh route,
/// which run in Node.js) is told apart from browser traffic.
/// </summary>
public sealed class ServerSideCallOptions
{
    public const string SectionName = "Gateway:ServerSideCalls";

    /// <summary>Exact User-Agent values of server-side callers (Node's fetch sends "node").</summary>
    public List<string> UserAgents { get; set; } = ["node"];

    /// <summary>Client addresses the calls may come from (the dashboard's); empty: any address.</summary>
    public List<string> SourceAddresses { get; set; } = [];
}
