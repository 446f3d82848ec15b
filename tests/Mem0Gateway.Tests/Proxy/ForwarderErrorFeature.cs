using Yarp.ReverseProxy.Forwarder;

namespace Mem0Gateway.Tests.Proxy;

/// <summary>What YARP's forwarder leaves on the HttpContext when forwarding failed.</summary>
internal sealed class ForwarderErrorFeature(ForwarderError error, Exception? exception) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception { get; } = exception;
}
