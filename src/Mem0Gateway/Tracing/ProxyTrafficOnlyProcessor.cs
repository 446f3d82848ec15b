using System.Diagnostics;
using Mem0Gateway.Proxy;
using OpenTelemetry;

namespace Mem0Gateway.Tracing;

/// <summary>
/// Only proxied traffic is traced. The gateway listens to ASP.NET Core's and HttpClient's own activity sources, which
/// also see management requests (scrapes, health checks) and YARP's active health probes; this processor leaves those
/// spans unrecorded, so nothing exports them.
/// </summary>
internal sealed class ProxyTrafficOnlyProcessor : BaseProcessor<Activity>
{
    public const string ServerSource = "Microsoft.AspNetCore";
    public const string ClientSource = "System.Net.Http";

    /// <summary>The tag every request on a proxy port gets (<see cref="ProxyTraceObserver"/>); management requests never do.</summary>
    public const string ProxyTrafficTag = "mem0.service";

    public override void OnStart(Activity activity)
    {
        // A call of a proxied request has that request as parent; a probe has none, or YARP's probe activity. Its
        // span is not kept, but its trace flags are left alone: what the upstream hears is the trace's own decision.
        if (activity.Kind == ActivityKind.Client && activity.Source.Name == ClientSource
            && (activity.Parent is not { } parent || parent.Source.Name == YarpActivityNames.SourceName))
        {
            activity.IsAllDataRequested = false;
        }
    }

    public override void OnEnd(Activity activity)
    {
        // A span nobody records is never passed on; this one already was, so the exporters must see it unrecorded.
        if (activity.Kind == ActivityKind.Server && activity.Source.Name == ServerSource && activity.GetTagItem(ProxyTrafficTag) is null)
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
