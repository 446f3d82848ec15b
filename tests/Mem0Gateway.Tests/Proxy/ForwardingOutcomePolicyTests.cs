using System.Net.Sockets;
using Mem0Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>
/// The one decision of who failed: every YARP forwarder error, and every case where the blame used to land on the wrong
/// party, as a row of expected error value, blame, status the client got, and whether the response broke.
/// </summary>
public sealed class ForwardingOutcomePolicyTests
{
    public enum Exc { None, Refused, Reset, ResponseEnded, InvalidResponse, ConnectError, Unknown, BadBody, BodyTooLarge, Timeout }

    public static TheoryData<ForwarderError, Exc, bool, string, string, int, bool> EveryForwarderError => new()
    {
        // error, exception, response started, expected error, blame, status, broken
        { ForwarderError.None, Exc.None, true, "none", "none", 200, false },
        { ForwarderError.NoAvailableDestinations, Exc.None, false, "no_destination", "upstream_transport", 503, false },
        { ForwarderError.Request, Exc.Refused, false, "connect_refused", "upstream_transport", 502, false },
        { ForwarderError.Request, Exc.ConnectError, false, "connect_failure", "upstream_transport", 502, false },
        { ForwarderError.Request, Exc.Reset, false, "connection_reset", "upstream_transport", 502, false },
        { ForwarderError.Request, Exc.ResponseEnded, false, "connection_reset", "upstream_transport", 502, false },
        { ForwarderError.Request, Exc.InvalidResponse, false, "invalid_response", "upstream_transport", 502, false },
        { ForwarderError.Request, Exc.Timeout, false, "timeout", "timeout", 504, false },
        { ForwarderError.Request, Exc.Unknown, false, "other", "upstream_transport", 502, false },
        { ForwarderError.RequestCreation, Exc.Unknown, false, "request_creation", "gateway", 502, false },
        { ForwarderError.RequestTimedOut, Exc.None, false, "timeout", "timeout", 504, false },
        { ForwarderError.RequestCanceled, Exc.None, false, "client_abort", "client", 499, false },
        { ForwarderError.RequestBodyCanceled, Exc.None, false, "client_abort", "client", 499, false },
        { ForwarderError.RequestBodyClient, Exc.Reset, false, "client_abort", "client", 499, false },
        { ForwarderError.RequestBodyClient, Exc.BadBody, false, "client_bad_body", "client", 400, false },
        { ForwarderError.RequestBodyClient, Exc.BodyTooLarge, false, "client_bad_body", "client", 413, false },
        { ForwarderError.RequestBodyDestination, Exc.Reset, false, "request_body_destination", "upstream_transport", 502, false },
        { ForwarderError.ResponseHeaders, Exc.Unknown, false, "invalid_response", "upstream_transport", 502, false },
        { ForwarderError.ResponseBodyCanceled, Exc.None, true, "client_abort", "client", 499, false },
        { ForwarderError.ResponseBodyClient, Exc.Reset, true, "client_abort", "client", 499, false },
        { ForwarderError.ResponseBodyDestination, Exc.Reset, true, "connection_reset", "upstream_transport", 200, true },
        { ForwarderError.ResponseBodyDestination, Exc.ResponseEnded, true, "response_truncated", "upstream_transport", 200, true },
        { ForwarderError.ResponseBodyDestination, Exc.InvalidResponse, true, "invalid_response", "upstream_transport", 200, true },
        { ForwarderError.UpgradeRequestCanceled, Exc.None, true, "unexpected_upgrade", "upstream_transport", 101, true },
        { ForwarderError.UpgradeRequestClient, Exc.None, true, "unexpected_upgrade", "upstream_transport", 101, true },
        { ForwarderError.UpgradeRequestDestination, Exc.Reset, true, "upgrade_failure", "upstream_transport", 101, true },
        { ForwarderError.UpgradeResponseCanceled, Exc.None, true, "unexpected_upgrade", "upstream_transport", 101, true },
        { ForwarderError.UpgradeResponseClient, Exc.None, true, "unexpected_upgrade", "upstream_transport", 101, true },
        { ForwarderError.UpgradeResponseDestination, Exc.Reset, true, "upgrade_failure", "upstream_transport", 101, true },
        { ForwarderError.UpgradeActivityTimeout, Exc.None, true, "timeout", "timeout", 101, true },
    };

    [Theory]
    [MemberData(nameof(EveryForwarderError))]
    public void Each_forwarder_error_gets_one_error_value_blame_and_status(
        ForwarderError error, Exc exception, bool started, string expectedError, string blame, int status, bool broken)
    {
        var context = Context(started, startedStatus: error.ToString().StartsWith("Upgrade", StringComparison.Ordinal) ? 101 : 200);
        if (error != ForwarderError.None)
        {
            context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(error, Build(exception)));
        }

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal(expectedError, outcome.Error.ToLabel());
        Assert.Equal(blame, outcome.Blame.ToLabel());
        Assert.Equal(status, outcome.StatusCode);
        Assert.Equal(broken, outcome.ResponseBroken);
    }

    [Fact]
    public void The_table_covers_every_forwarder_error()
    {
        var covered = EveryForwarderError.Select(row => (ForwarderError)row[0]).ToHashSet();
        Assert.All(Enum.GetValues<ForwarderError>(), e => Assert.Contains(e, covered));
    }

    [Fact]
    public void Every_error_value_has_a_label_and_a_blame()
    {
        foreach (var kind in Enum.GetValues<UpstreamErrorKind>())
        {
            Assert.False(string.IsNullOrEmpty(kind.ToLabel()));
            Assert.Equal(kind == UpstreamErrorKind.None, kind.BlameOf() == ForwardingBlame.None);
        }

        Assert.Equal(UpstreamErrorLabels.Count, Enum.GetValues<UpstreamErrorKind>().Select(k => k.ToLabel()).Distinct().Count());
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.RequestCreation)]
    public void A_header_value_that_cannot_be_sent_upstream_is_the_clients_400(ForwarderError error)
    {
        var context = Context(started: false);
        context.Request.Headers["X-A"] = "café";
        context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(error, Build(Exc.Unknown)));

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal((UpstreamErrorKind.ClientBadHeader, ForwardingBlame.Client, 400), (outcome.Error, outcome.Blame, outcome.StatusCode));
        Assert.False(outcome.CountsAgainstUpstream(countServerErrors: true));
    }

    [Fact]
    public void A_refused_connection_stays_the_upstreams_even_with_an_odd_header()
    {
        var context = Context(started: false);
        context.Request.Headers["X-A"] = "café";
        context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(ForwarderError.Request, Build(Exc.Refused)));

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal(UpstreamErrorKind.ConnectRefused, outcome.Error);
    }

    [Fact]
    public void An_upgrade_error_on_a_request_that_asked_for_an_upgrade_is_the_clients()
    {
        var context = Context(started: true, startedStatus: 101);
        context.Features.Set<IHttpUpgradeFeature>(new Upgradable());
        context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(ForwarderError.UpgradeResponseClient, null));

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal(UpstreamErrorKind.ClientAbort, outcome.Error);
    }

    [Fact]
    public void An_unasked_101_refused_before_the_client_saw_it_is_the_upstreams_502()
    {
        var context = Context(started: false);
        context.Response.StatusCode = 101;

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.UnexpectedUpgrade, isEventStream: false);

        Assert.Equal((UpstreamErrorKind.UnexpectedUpgrade, ForwardingBlame.UpstreamTransport, 502, false),
            (outcome.Error, outcome.Blame, outcome.StatusCode, outcome.ResponseBroken));
        Assert.True(outcome.CountsAgainstUpstream(countServerErrors: false));
    }

    [Theory]
    [InlineData(500, true, "upstream_5xx", "upstream_application")]
    [InlineData(502, true, "upstream_5xx", "upstream_application")]
    [InlineData(503, false, "none", "none")] // the gateway's own answer before forwarding (no destination chosen)
    [InlineData(404, true, "none", "none")]
    public void An_upstream_5xx_is_the_upstreams_application_failure(int status, bool forwarded, string error, string blame)
    {
        var context = Context(started: true, startedStatus: status);

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded, threw: false, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal((error, blame, status), (outcome.Error.ToLabel(), outcome.Blame.ToLabel(), outcome.StatusCode));
    }

    [Fact]
    public void Application_5xx_counts_against_the_upstream_only_where_the_cluster_opts_in()
    {
        var outcome = new ForwardingOutcome(UpstreamErrorKind.Upstream5xx, 502, false);
        Assert.False(outcome.CountsAgainstUpstream(countServerErrors: false));
        Assert.True(outcome.CountsAgainstUpstream(countServerErrors: true));
        Assert.True(new ForwardingOutcome(UpstreamErrorKind.ConnectRefused, 502, false).CountsAgainstUpstream(false));
        Assert.True(new ForwardingOutcome(UpstreamErrorKind.Timeout, 504, false).CountsAgainstUpstream(false));
        Assert.False(new ForwardingOutcome(UpstreamErrorKind.ClientAbort, 499, false).CountsAgainstUpstream(true));
        Assert.False(new ForwardingOutcome(UpstreamErrorKind.RequestCreation, 502, false).CountsAgainstUpstream(true));
    }

    [Fact]
    public void The_route_timeout_firing_is_a_timeout_not_a_client_abort()
    {
        var context = Context(started: false);
        context.Features.Set<IHttpRequestTimeoutFeature>(new FiredTimeout());
        context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(ForwarderError.RequestCanceled, new TaskCanceledException()));

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal((UpstreamErrorKind.Timeout, ForwardingBlame.Timeout, 504), (outcome.Error, outcome.Blame, outcome.StatusCode));
    }

    [Fact]
    public void A_client_hanging_up_an_event_stream_is_how_it_ends_not_an_error()
    {
        var context = Context(started: true);
        context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(ForwarderError.ResponseBodyClient, Build(Exc.Reset)));

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: true);

        Assert.Equal(new ForwardingOutcome(UpstreamErrorKind.None, 200, false), outcome);
    }

    [Fact]
    public void An_event_stream_the_upstream_cuts_mid_way_is_a_broken_response()
    {
        var context = Context(started: true);
        context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(ForwarderError.ResponseBodyDestination, Build(Exc.Reset)));

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: true, threw: false, UpstreamErrorKind.None, isEventStream: true);

        Assert.Equal(new ForwardingOutcome(UpstreamErrorKind.ConnectionReset, 200, true), outcome);
    }

    [Theory]
    [InlineData(false, false, "internal_error", "gateway", 500)]
    [InlineData(true, false, "client_abort", "client", 499)]
    [InlineData(false, true, "internal_error", "gateway", 200)]
    public void An_exception_in_the_gateway_is_the_gateways_unless_the_client_left(bool aborted, bool started, string error, string blame, int status)
    {
        var context = Context(started);
        if (aborted)
        {
            context.RequestAborted = new CancellationToken(canceled: true);
        }

        var outcome = ForwardingOutcomePolicy.Decide(context, forwarded: false, threw: true, UpstreamErrorKind.None, isEventStream: false);

        Assert.Equal((error, blame, status), (outcome.Error.ToLabel(), outcome.Blame.ToLabel(), outcome.StatusCode));
    }

    private static DefaultHttpContext Context(bool started, int startedStatus = 200)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        var response = new ResponseFeature { HasStarted = started, StatusCode = started ? startedStatus : 502 };
        context.Features.Set<IHttpResponseFeature>(response);
        return context;
    }

    private static Exception? Build(Exc exception) => exception switch
    {
        Exc.None => null,
        Exc.Refused => new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)),
        Exc.Reset => new IOException("reset", new SocketException((int)SocketError.ConnectionReset)),
        Exc.ResponseEnded => new HttpIOException(HttpRequestError.ResponseEnded),
        Exc.InvalidResponse => new HttpRequestException(HttpRequestError.InvalidResponse, "bad status line"),
        Exc.ConnectError => new HttpRequestException(HttpRequestError.ConnectionError, "no route"),
        Exc.Unknown => new HttpRequestException("Request headers must contain only ASCII characters."),
        Exc.BadBody => new BadHttpRequestException("Bad chunk size data.", 400),
        Exc.BodyTooLarge => new BadHttpRequestException("Request body too large.", 413),
        Exc.Timeout => new TimeoutException(),
        _ => throw new ArgumentOutOfRangeException(nameof(exception)),
    };

    private sealed class ResponseFeature : IHttpResponseFeature
    {
        public int StatusCode { get; set; }

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; set; }

        public void OnStarting(Func<object, Task> callback, object state)
        {
        }

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }
    }

    private sealed class Upgradable : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }

    private sealed class FiredTimeout : IHttpRequestTimeoutFeature
    {
        public CancellationToken RequestTimeoutToken { get; } = new(canceled: true);

        public void DisableTimeout()
        {
        }
    }
}
