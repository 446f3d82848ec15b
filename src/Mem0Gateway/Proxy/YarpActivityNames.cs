namespace Mem0Gateway.Proxy;

/// <summary>
/// Names YARP gives the activities it starts (source <c>Yarp.ReverseProxy</c>): one per active health-probe round of a
/// cluster, one per probe of a destination inside it, each tagged with the cluster and destination ids.
/// </summary>
public static class YarpActivityNames
{
    public const string SourceName = "Yarp.ReverseProxy";

    public const string ClusterProbeRound = "proxy.cluster_health_checks";

    public const string DestinationProbe = "proxy.destination_health_check";

    public const string DestinationIdTag = "proxy.destination_id";
}
