using System.Collections.Concurrent;
using System.Diagnostics;
using Mem0Gateway.Proxy;

namespace Mem0Gateway.Health;

/// <summary>
/// Times active health probes from the activities YARP starts around them: each probe's activity is a child of its
/// round's activity, and the round's activity is still current when YARP hands the results to the active policy. The
/// durations are parked on the round's activity, so concurrent rounds (and gateways sharing a process) never mix.
/// Activities are created for propagation only: nothing is recorded or exported unless a tracer asks for them.
/// </summary>
internal sealed class ProbeDurationListener : IDisposable
{
    private const string DurationsProperty = "Mem0Gateway.ProbeDurations";

    private readonly ActivityListener _listener;

    public ProbeDurationListener()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == YarpActivityNames.SourceName,
            // Called for every YARP activity, proxied requests included: a name check, nothing created for them.
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) => IsProbeActivity(options.Name)
                ? ActivitySamplingResult.PropagationData
                : ActivitySamplingResult.None,
            ActivityStarted = OnStarted,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>How long the probe of <paramref name="destinationId"/> took in the round now running, if it was timed.</summary>
    public TimeSpan? DurationInCurrentRound(string destinationId)
        => Activity.Current is { OperationName: YarpActivityNames.ClusterProbeRound } round
            && round.GetCustomProperty(DurationsProperty) is ConcurrentDictionary<string, TimeSpan> durations
            && durations.TryGetValue(destinationId, out var duration)
                ? duration
                : null;

    public void Dispose() => _listener.Dispose();

    private static bool IsProbeActivity(string name)
        => name is YarpActivityNames.ClusterProbeRound or YarpActivityNames.DestinationProbe;

    private static void OnStarted(Activity activity)
    {
        // Set before any probe of the round starts, so the probes only ever read it; once, when gateways share a process.
        if (activity.OperationName == YarpActivityNames.ClusterProbeRound && activity.GetCustomProperty(DurationsProperty) is null)
        {
            activity.SetCustomProperty(DurationsProperty, new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal));
        }
    }

    private static void OnStopped(Activity activity)
    {
        if (activity.OperationName == YarpActivityNames.DestinationProbe
            && activity.Parent?.GetCustomProperty(DurationsProperty) is ConcurrentDictionary<string, TimeSpan> durations
            && activity.GetTagItem(YarpActivityNames.DestinationIdTag) is string destinationId)
        {
            durations[destinationId] = activity.Duration;
        }
    }
}
