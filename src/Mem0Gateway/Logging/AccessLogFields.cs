namespace Mem0Gateway.Logging;

/// <summary>
/// The ECS (and <c>mem0.*</c>) field names of an access-log line. monitoring/elasticsearch/index-template.json maps
/// exactly these; a test holds the two together.
/// </summary>
public static class AccessLogFields
{
    public const string Dataset = "mem0_gateway.access";

    public const string EventDataset = "event.dataset";
    public const string EventDuration = "event.duration";
    public const string HttpRequestMethod = "http.request.method";
    public const string HttpRequestBodyBytes = "http.request.body.bytes";
    public const string HttpResponseStatusCode = "http.response.status_code";
    public const string HttpResponseBodyBytes = "http.response.body.bytes";
    public const string UrlPath = "url.path";
    public const string UrlQuery = "url.query";
    public const string ClientIp = "client.ip";
    public const string UserAgent = "user_agent.original";
    public const string Route = "mem0.route";
    public const string Operation = "mem0.operation";
    public const string Service = "mem0.service";
    public const string DestinationId = "mem0.destination.id";
    public const string DestinationAddress = "mem0.destination.address";
    public const string UpstreamError = "mem0.upstream_error";
    public const string Blame = "mem0.blame";
    public const string ResponseBroken = "mem0.response_broken";
    public const string EventStream = "mem0.event_stream";
    public const string Caller = "mem0.caller";
}
