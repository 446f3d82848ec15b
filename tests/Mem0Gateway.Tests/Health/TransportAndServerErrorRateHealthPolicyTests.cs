using System.Net.Sockets;
using Mem0Gateway.Health;
using Mem0Gateway.Proxy;
using Mem0Gateway.Tests.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Mem0Gateway.Tests.Health;

/// <summary>
/// The passive policy's decision over a run of proxied requests. Each request is shaped as the gateway hands it over:
/// YARP's forwarder error (or the upstream's status) on the HttpContext, classified by the forwarding-outcome policy.
/// </summary>
public sealed class TransportAndServerErrorRateHealthPolicyTests
{
    [Theory]
    // request pattern (repeated), requests, cluster metadata, destinations in the cluster, passive health of the first after the run
    [InlineData("refused", 10, "", 2, "Unhealthy")]
    [InlineData("refused", 9, "", 2, "Healthy")] // fewer than MinimalTotalCount: not judged yet
    [InlineData("timeout", 10, "", 2, "Unhealthy")]
    [InlineData("reset", 10, "", 2, "Unhealthy")]
    [InlineData("refused,ok", 10, "", 2, "Unhealthy")] // half failed: at the default 0.5 limit
    [InlineData("refused,ok,ok", 12, "", 2, "Healthy")]
    [InlineData("ok", 10, "", 2, "Healthy")]
    [InlineData("5xx", 10, "", 2, "Healthy")] // the upstream answered: its own 502 is not a transport failure
    [InlineData("5xx", 10, "CountServerErrors=true", 2, "Unhealthy")]
    [InlineData("refused", 4, "MinimalTotalCount=4", 2, "Unhealthy")]
    [InlineData("refused,ok,ok,ok", 12, "RateLimit=0.25", 2, "Unhealthy")]
    [InlineData("client_abort", 10, "", 2, "Unknown")] // the client's fault says nothing about the upstream
    [InlineData("client_bad_body", 10, "", 2, "Unknown")]
    [InlineData("gateway", 10, "", 2, "Unknown")]
    [InlineData("refused", 10, "", 1, "Healthy")] // never the service's last destination: only active probes take it out
    public void A_run_of_requests_leaves_the_destination_as_the_policy_says(string pattern, int requests, string metadata, int destinations, string expected)
    {
        var (cluster, first) = Cluster(metadata, destinations);
        var policy = new TransportAndServerErrorRateHealthPolicy(new AppliedDestinationHealth(), new FakeTimeProvider());

        var kinds = pattern.Split(',');
        for (var i = 0; i < requests; i++)
        {
            policy.RequestProxied(Proxied(kinds[i % kinds.Length]), cluster, first);
        }

        Assert.Equal(expected, first.Health.Passive.ToString());
    }

    [Fact]
    public void Failures_that_left_the_detection_window_no_longer_count()
    {
        var (cluster, first) = Cluster("DetectionWindow=00:00:10", 2);
        var time = new FakeTimeProvider();
        var policy = new TransportAndServerErrorRateHealthPolicy(new AppliedDestinationHealth(), time);
        for (var i = 0; i < 10; i++)
        {
            policy.RequestProxied(Proxied("refused"), cluster, first);
        }

        Assert.Equal(DestinationHealth.Unhealthy, first.Health.Passive);

        time.Advance(TimeSpan.FromSeconds(12));
        policy.RequestProxied(Proxied("ok"), cluster, first);

        Assert.Equal(DestinationHealth.Healthy, first.Health.Passive);
    }

    private static (ClusterState Cluster, DestinationState First) Cluster(string metadata, int destinations)
    {
        var meta = metadata.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('='))
            .ToDictionary(kv => "TransportAndServerErrorRate." + kv[0], kv => kv[1]);
        var cluster = new ClusterState("mem0", new ClusterModel(new ClusterConfig { ClusterId = "mem0", Metadata = meta }, new HttpMessageInvoker(new SocketsHttpHandler())));
        var all = Enumerable.Range(1, destinations).Select(i => new DestinationState($"mem0-{i}")).ToArray();
        cluster.DestinationsState = new ClusterDestinationsState(all, all);
        return (cluster, all[0]);
    }

    /// <summary>An HttpContext after forwarding, with the outcome the gateway's proxy pipeline decided for it.</summary>
    private static DefaultHttpContext Proxied(string kind)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Response.StatusCode = kind == "5xx" ? 502 : 200;
        IForwarderErrorFeature? failure = kind switch
        {
            "refused" => new ForwarderErrorFeature(ForwarderError.Request,
                new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused))),
            "reset" => new ForwarderErrorFeature(ForwarderError.Request, new HttpRequestException(HttpRequestError.Unknown, "An error occurred while sending the request.",
                new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset)))),
            "timeout" => new ForwarderErrorFeature(ForwarderError.RequestTimedOut, new TaskCanceledException()),
            "client_abort" => new ForwarderErrorFeature(ForwarderError.RequestCanceled, new TaskCanceledException()),
            "client_bad_body" => new ForwarderErrorFeature(ForwarderError.RequestBodyClient, new BadHttpRequestException("Bad chunk size data.", 400)),
            "gateway" => new ForwarderErrorFeature(ForwarderError.RequestCreation, new InvalidOperationException("no request")),
            _ => null,
        };
        if (failure is not null)
        {
            context.Features.Set(failure);
        }

        var request = new ProxyRequestContext(context, new ProxyRouteDescriptor("mem0-add", "mem0", "add", "/memories", isStreaming: false, listenerPort: 1), []);
        request.SetOutcome(ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: false), "mem0-1");
        context.Features.Set(request);
        return context;
    }
}
