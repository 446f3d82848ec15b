using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Mem0Gateway.Tracing;

/// <summary>Puts <see cref="UpstreamSpans"/> on every route: the CLIENT span starts as YARP sends the request and ends
/// when the upstream's response headers arrive.</summary>
internal sealed class UpstreamSpanTransformProvider : ITransformProvider
{
    private readonly UpstreamSpans _spans;

    public UpstreamSpanTransformProvider(UpstreamSpans spans) => _spans = spans;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(_spans.Start);
        context.AddResponseTransform(_spans.End);
    }
}
