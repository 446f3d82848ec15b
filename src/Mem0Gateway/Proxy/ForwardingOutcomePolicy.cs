using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Decides a request's <see cref="ForwardingOutcome"/>: the one place that reads YARP's forwarder error, the route
/// timeout, the client's abort and the response status, and says who failed and what the client got.
/// </summary>
public static class ForwardingOutcomePolicy
{
    /// <param name="context">The request, after forwarding (or whatever answered it) has finished.</param>
    /// <param name="forwarded">A destination was chosen: a 5xx came from the upstream, not from the gateway.</param>
    /// <param name="threw">An exception escaped the pipeline.</param>
    /// <param name="protocolFault">An upstream protocol fault seen while its response headers were copied.</param>
    /// <param name="isEventStream">The response is a <c>text/event-stream</c>: a client hanging up is how it ends.</param>
    public static ForwardingOutcome Decide(HttpContext context, bool forwarded, bool threw, UpstreamErrorKind protocolFault, bool isEventStream)
    {
        var response = context.Response;
        var started = response.HasStarted;
        var clientStatus = 0;
        UpstreamErrorKind error;
        if (protocolFault != UpstreamErrorKind.None)
        {
            error = protocolFault;
        }
        else if (context.Features.Get<IForwarderErrorFeature>() is { } failure)
        {
            error = Classify(failure.Error, failure.Exception, context, out clientStatus);
        }
        else if (threw)
        {
            error = context.RequestAborted.IsCancellationRequested ? UpstreamErrorKind.ClientAbort : UpstreamErrorKind.InternalError;
        }
        else
        {
            error = context.RequestAborted.IsCancellationRequested ? UpstreamErrorKind.ClientAbort : UpstreamErrorKind.None;
        }

        // The route timeout cancels the request token, which looks like the client's cancellation: it was ours.
        if (error == UpstreamErrorKind.ClientAbort
            && context.Features.Get<IHttpRequestTimeoutFeature>() is { RequestTimeoutToken.IsCancellationRequested: true })
        {
            error = UpstreamErrorKind.Timeout;
        }

        int status;
        switch (error)
        {
            case UpstreamErrorKind.None:
                status = threw && !started ? StatusCodes.Status500InternalServerError : response.StatusCode;
                if (status >= StatusCodes.Status500InternalServerError && forwarded)
                {
                    error = UpstreamErrorKind.Upstream5xx;
                }

                break;
            case UpstreamErrorKind.ClientAbort when isEventStream:
                // A client hanging up is how an event stream normally ends.
                return new ForwardingOutcome(UpstreamErrorKind.None, response.StatusCode, ResponseBroken: false);
            case UpstreamErrorKind.ClientAbort:
                status = ForwardingOutcome.ClientClosedRequestStatus;
                break;
            default:
                status = started ? response.StatusCode : clientStatus != 0 ? clientStatus : ProblemStatus(error);
                break;
        }

        var broken = started && error != UpstreamErrorKind.None && error.BlameOf() != ForwardingBlame.Client;
        return new ForwardingOutcome(error, status, broken);
    }

    /// <summary>The status the gateway answers with when a failure leaves the response unstarted.</summary>
    public static int ProblemStatus(UpstreamErrorKind error) => error switch
    {
        UpstreamErrorKind.NoDestination => StatusCodes.Status503ServiceUnavailable,
        UpstreamErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        UpstreamErrorKind.ClientBadHeader or UpstreamErrorKind.ClientBadBody => StatusCodes.Status400BadRequest,
        UpstreamErrorKind.ClientMethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        UpstreamErrorKind.InternalError => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status502BadGateway,
    };

    /// <summary>
    /// YARP's forwarder error and its exception, as one error value. <paramref name="clientStatus"/> is the 4xx a client
    /// fault gets when it has its own (413 for an over-long body), else 0.
    /// </summary>
    public static UpstreamErrorKind Classify(ForwarderError error, Exception? exception, HttpContext context, out int clientStatus)
    {
        clientStatus = 0;
        switch (error)
        {
            case ForwarderError.None:
                return UpstreamErrorKind.None;
            case ForwarderError.NoAvailableDestinations:
                return UpstreamErrorKind.NoDestination;
            case ForwarderError.RequestTimedOut or ForwarderError.UpgradeActivityTimeout:
                return UpstreamErrorKind.Timeout;
            case ForwarderError.RequestBodyClient when FindBadRequest(exception) is { } bad:
                // Kestrel could not read the body as HTTP (broken chunking, over the size limit): the client's bytes.
                clientStatus = bad.StatusCode;
                return UpstreamErrorKind.ClientBadBody;
            case ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
                or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient
                when !IsUpgradeRequest(context):
                // Only a 101 from the upstream leads here; a request that asked for no upgrade makes that its fault.
                return UpstreamErrorKind.UnexpectedUpgrade;
            case ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
                or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
                or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
                or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient:
                return UpstreamErrorKind.ClientAbort;
            case ForwarderError.RequestBodyDestination:
                return UpstreamErrorKind.RequestBodyDestination;
            case ForwarderError.ResponseBodyDestination:
                return FromTransportException(exception, UpstreamErrorKind.ResponseTruncated);
            case ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination:
                return UpstreamErrorKind.UpgradeFailure;
            case ForwarderError.RequestCreation or ForwarderError.Request:
                var kind = FromTransportException(exception, error == ForwarderError.Request ? UpstreamErrorKind.Other : UpstreamErrorKind.RequestCreation);
                // Nothing reached the upstream because of the client's own header bytes (only checked on failure).
                return kind is UpstreamErrorKind.Other or UpstreamErrorKind.RequestCreation && HasUnsendableHeader(context.Request.Headers)
                    ? UpstreamErrorKind.ClientBadHeader
                    : kind;
            case ForwarderError.ResponseHeaders:
                return FromTransportException(exception, UpstreamErrorKind.InvalidResponse);
            default:
                return UpstreamErrorKind.Other;
        }
    }

    /// <summary>The request asked to switch protocols (HTTP/1.1 Upgrade or HTTP/2 extended CONNECT).</summary>
    public static bool IsUpgradeRequest(HttpContext context)
        => context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };

    private static Microsoft.AspNetCore.Http.BadHttpRequestException? FindBadRequest(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Http.BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }

    /// <summary>HTTP/1.1 to the upstream carries ASCII header values only; Kestrel accepts more from the client.</summary>
    private static bool HasUnsendableHeader(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            foreach (var value in header.Value)
            {
                if (value is not null && !System.Text.Ascii.IsValid(value))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static UpstreamErrorKind FromTransportException(Exception? exception, UpstreamErrorKind fallback)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return UpstreamErrorKind.ConnectRefused;
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }:
                    return UpstreamErrorKind.ConnectionReset;
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return UpstreamErrorKind.Timeout;
                case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    // A response that stops before its declared length: truncated body, or no response at all.
                    return fallback == UpstreamErrorKind.ResponseTruncated ? UpstreamErrorKind.ResponseTruncated : UpstreamErrorKind.ConnectionReset;
                case HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse }:
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse }:
                    return UpstreamErrorKind.InvalidResponse;
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } when e.InnerException is null:
                    return UpstreamErrorKind.ConnectFailure;
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return UpstreamErrorKind.ConnectFailure;
                case TimeoutException:
                    return UpstreamErrorKind.Timeout;
            }
        }

        return exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
            ? UpstreamErrorKind.ConnectFailure
            : fallback;
    }
}
