using System.Diagnostics;
using OpenTelemetry;

namespace Mem0Gateway.Tracing;

/// <summary>
/// Only proxied traffic is traced. The gateway listens to ASP.NET Core's own activity source, which also sees
/// management requests (scrapes, health checks); this processor leaves those spans unrecorded, so nothing exports them.
/// YARP's active health probes make no span: the forwarder's client has no runtime tracing, and
/// <see cref="UpstreamSpans"/> only traces proxied requests.
/// </summary>
internal sealed class ProxyTrafficOnlyProcessor : BaseProcessor<Activity>
{
    public const string ServerSource = "Microsoft.AspNetCore";

    /// <summary>The tag every request on a proxy port gets (<see cref="ProxyTraceObserver"/>); management requests never do.</summary>
    public const string ProxyTrafficTag = "mem0.service";

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
