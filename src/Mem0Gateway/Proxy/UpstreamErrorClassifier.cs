using System.Net;
using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Proxy;

/// <summary>Maps YARP's forwarder error and its exception to one <see cref="UpstreamErrorKind"/>.</summary>
public static class UpstreamErrorClassifier
{
    public static UpstreamErrorKind Classify(ForwarderError error, Exception? exception) => error switch
    {
        ForwarderError.None => UpstreamErrorKind.None,
        ForwarderError.NoAvailableDestinations => UpstreamErrorKind.NoDestination,
        ForwarderError.RequestTimedOut or ForwarderError.UpgradeActivityTimeout => UpstreamErrorKind.Timeout,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => UpstreamErrorKind.ClientAbort,
        ForwarderError.RequestBodyDestination => UpstreamErrorKind.RequestBodyDestination,
        ForwarderError.ResponseBodyDestination => FromTransportException(exception, UpstreamErrorKind.ResponseTruncated),
        ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination => UpstreamErrorKind.UpgradeFailure,
        ForwarderError.RequestCreation => UpstreamErrorKind.RequestCreation,
        ForwarderError.Request or ForwarderError.ResponseHeaders => FromTransportException(exception, UpstreamErrorKind.Other),
        _ => UpstreamErrorKind.Other,
    };

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
