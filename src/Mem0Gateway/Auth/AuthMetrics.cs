using Mem0Gateway.Scraping;
using Prometheus;

namespace Mem0Gateway.Auth;

/// <summary>
/// The auth module's metric families, created on the gateway's registry (names are a contract: docs/metrics.md). The
/// method is one of four values; the key label is a key's public 12-character prefix (or its keyed token), only for
/// keys the upstream accepted, bounded by Gateway:Auth:MaxTrackedKeys with the rest as "other".
/// </summary>
public sealed class AuthMetrics
{
    public AuthMetrics(CollectorRegistry registry)
    {
        var factory = GatewayMetricFactory.For(registry);

        RequestsByAuthMethodTotal = factory.CreateCounter(
            "mem0_gateway_requests_by_auth_method_total",
            "Proxied requests by the credential they carried: api_key (X-API-Key), bearer (Authorization), cookie (mem0 session cookie) or none.",
            new CounterConfiguration { LabelNames = ["service", "auth_method"] });

        ApiKeyRequestsTotal = factory.CreateCounter(
            "mem0_gateway_api_key_requests_total",
            "Requests with an API key the upstream accepted (any answer but 401/403), by key prefix and status class.",
            new CounterConfiguration { LabelNames = ["service", "key", "status_class"] });
    }

    public Counter RequestsByAuthMethodTotal { get; }

    public Counter ApiKeyRequestsTotal { get; }
}
