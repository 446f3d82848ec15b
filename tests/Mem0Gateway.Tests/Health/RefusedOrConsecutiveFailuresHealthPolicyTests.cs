using System.Net;
using System.Net.Sockets;
using Mem0Gateway.Health;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Tests.Health;

/// <summary>
/// The active policy's decision, probe by probe, with probe results shaped as YARP's prober hands them over: a response
/// for an answer, an exception (and no response) for a refused connection or a timed-out probe.
/// </summary>
public sealed class RefusedOrConsecutiveFailuresHealthPolicyTests
{
    [Theory]
    // probes in order, threshold metadata, redirect-is-alive metadata, active health after each probe
    [InlineData("200", null, null, "Healthy")]
    [InlineData("refused", null, null, "Unhealthy")] // nothing listens: out at once
    [InlineData("500,500", null, null, "Unknown,Unhealthy")] // a 5xx may be a blip: the threshold applies
    [InlineData("timeout,timeout", null, null, "Unknown,Unhealthy")]
    [InlineData("500,200,500", null, null, "Unknown,Healthy,Healthy")] // a good probe resets the count
    [InlineData("200,500,500", null, null, "Healthy,Healthy,Unhealthy")]
    [InlineData("refused,200", null, null, "Unhealthy,Healthy")] // back as soon as it answers
    [InlineData("500,500,500", "3", null, "Unknown,Unknown,Unhealthy")]
    [InlineData("refused", "5", null, "Unhealthy")] // a higher threshold does not delay a refused port
    [InlineData("500,500", "0", null, "Unknown,Unhealthy")] // an unusable threshold falls back to the default
    [InlineData("302,302", null, null, "Unknown,Unhealthy")]
    [InlineData("302", null, "true", "Healthy")] // a UI redirecting to its login is up where the cluster says so
    [InlineData("reset,reset", null, null, "Unknown,Unhealthy")] // a reset is not a refusal
    public void Each_probe_result_moves_active_health_as_the_policy_says(string probes, string? threshold, string? redirectIsAlive, string expected)
    {
        var metadata = new Dictionary<string, string>();
        if (threshold is not null)
        {
            metadata[RefusedOrConsecutiveFailuresHealthPolicy.ThresholdMetadata] = threshold;
        }

        if (redirectIsAlive is not null)
        {
            metadata[ProbeVerdict.RedirectIsAliveMetadata] = redirectIsAlive;
        }

        var cluster = new ClusterState("mem0", new ClusterModel(new ClusterConfig { ClusterId = "mem0", Metadata = metadata }, new HttpMessageInvoker(new SocketsHttpHandler())));
        var destination = new DestinationState("mem0-1");
        var updater = new AppliedDestinationHealth();
        var policy = new RefusedOrConsecutiveFailuresHealthPolicy(updater);

        var seen = new List<string>();
        foreach (var probe in probes.Split(','))
        {
            using var response = Response(probe);
            policy.ProbingCompleted(cluster, [new DestinationProbingResult(destination, response, Failure(probe))]);
            seen.Add(destination.Health.Active.ToString());
        }

        Assert.Equal(expected, string.Join(",", seen));
    }

    [Fact]
    public void Each_destination_of_a_cluster_keeps_its_own_count()
    {
        var cluster = new ClusterState("mem0", new ClusterModel(new ClusterConfig { ClusterId = "mem0" }, new HttpMessageInvoker(new SocketsHttpHandler())));
        var a = new DestinationState("mem0-1");
        var b = new DestinationState("mem0-2");
        var policy = new RefusedOrConsecutiveFailuresHealthPolicy(new AppliedDestinationHealth());

        using var failed = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        policy.ProbingCompleted(cluster, [new(a, failed, null), new(b, ok, null)]);
        policy.ProbingCompleted(cluster, [new(a, failed, null), new(b, failed, null)]);

        Assert.Equal((DestinationHealth.Unhealthy, DestinationHealth.Healthy), (a.Health.Active, b.Health.Active));
    }

    private static HttpResponseMessage? Response(string probe)
        => int.TryParse(probe, out var status) ? new HttpResponseMessage((HttpStatusCode)status) : null;

    private static Exception? Failure(string probe) => probe switch
    {
        // SocketsHttpHandler's refusal: HttpRequestException(ConnectionError) around the SocketException.
        "refused" => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused)),
        "reset" => new HttpRequestException(HttpRequestError.Unknown, "An error occurred while sending the request.",
            new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset))),
        // The prober's own timeout cancels the send.
        "timeout" => new OperationCanceledException("The probe timed out.", new TimeoutException()),
        _ => null,
    };
}
