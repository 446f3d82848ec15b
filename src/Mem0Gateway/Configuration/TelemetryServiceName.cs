namespace Mem0Gateway.Configuration;

/// <summary>The <c>service.name</c> of spans and log lines: <c>OTEL_SERVICE_NAME</c> when set, else "mem0-gateway".</summary>
public static class TelemetryServiceName
{
    public const string Default = "mem0-gateway";

    public static string From(IConfiguration configuration)
        => configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : Default;
}
