using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Mcp;

/// <summary>What every observer of MCP traffic shares: sessions, calls, metrics, the id protector and the current settings.</summary>
internal sealed class McpTraffic
{
    public const string SessionIdHeader = "Mcp-Session-Id";

    public McpTraffic(McpSessionRegistry registry, McpMetrics metrics, McpCallTracker calls, PersonalIdProtector protector,
        IOptionsMonitor<McpOptions> options, IServiceProvider services)
    {
        Registry = registry;
        Metrics = metrics;
        Calls = calls;
        Protector = protector;
        ActiveUsers = services.GetService<IUserActivityRecorder>();
        Settings = new McpSettings(options.CurrentValue);
        options.OnChange(changed => Settings = new McpSettings(changed));
    }

    public McpSessionRegistry Registry { get; }

    public McpMetrics Metrics { get; }

    public McpCallTracker Calls { get; }

    public PersonalIdProtector Protector { get; }

    /// <summary>The active-user estimate, when it is on: an SSE message's user is only known through its session.</summary>
    public IUserActivityRecorder? ActiveUsers { get; }

    public McpSettings Settings { get; private set; }

    /// <summary>Whether the upstream answered with an event stream, as the proxy recognised it once for every reader.</summary>
    public static bool IsEventStream(HttpContext context) => context.Features.Get<Proxy.ProxyRequestContext>() is { IsEventStream: true };

    public static bool IsJson(string? contentType)
        => contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The session id in a 2024 endpoint URL: <c>session_id=</c> (OpenMemory, the python SDK) or <c>sessionId=</c> (the C# and TypeScript SDKs).</summary>
    public static ReadOnlySpan<byte> SessionQueryValue(ReadOnlySpan<byte> url)
    {
        var start = url.IndexOf("session_id="u8);
        var nameLength = "session_id=".Length;
        if (start < 0)
        {
            start = url.IndexOf("sessionId="u8);
            nameLength = "sessionId=".Length;
        }

        if (start < 0)
        {
            return [];
        }

        var id = url[(start + nameLength)..];
        var end = id.IndexOfAny((byte)'&', (byte)'#');
        return end >= 0 ? id[..end] : id;
    }

    public static string? SessionQueryValue(string? queryString)
        => Proxy.QueryParameter.Find(queryString, "session_id") ?? Proxy.QueryParameter.Find(queryString, "sessionId");

    public sealed class McpSettings(McpOptions options)
    {
        public McpLabels Labels { get; } = new(options);

        public int MaxBodyPeekBytes { get; } = options.MaxBodyPeekBytes;

        public int MaxPendingCallsPerSession { get; } = options.MaxPendingCallsPerSession;
    }
}
