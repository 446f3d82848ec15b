namespace Mem0Gateway.Configuration;

/// <summary>
/// Where spans are exported, if anywhere: the OTLP endpoint from <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the variables the OpenTelemetry exporter itself reads), decided once for the
/// tracer, the start-up summary and the status page.
/// </summary>
public static class TraceExportTarget
{
    /// <summary>The configured OTLP endpoint (the traces-specific one wins), or null when spans go nowhere.</summary>
    public static string? Endpoint(IConfiguration configuration)
        => NonBlank(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) ?? NonBlank(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
