using System.Net.Http.Headers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;

namespace Mem0Gateway.Health;

/// <summary>
/// Optional: can the gateway's host reach the LLM provider's API, and does it accept the key? The key is sent as a
/// bearer token and appears nowhere else: not in logs, not in the result, not in traces (instrumentation is suppressed).
/// </summary>
internal sealed class LlmReachabilityHealthCheck : IHealthCheck, IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly string? _apiKey;

    public LlmReachabilityHealthCheck(Uri url, string? apiKey, TimeSpan timeout)
    {
        _url = url;
        _apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = timeout,
        };
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["host"] = _url.Host };
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        try
        {
            using var suppress = SuppressInstrumentationScope.Begin();
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            data["statusCode"] = status;
            return status switch
            {
                >= 200 and < 300 => HealthCheckResult.Healthy("The LLM API is reachable and accepted the request.", data),
                401 or 403 => new HealthCheckResult(context.Registration.FailureStatus, "The LLM API is reachable but rejected the API key.", data: data),
                _ => new HealthCheckResult(context.Registration.FailureStatus, $"The LLM API answered {status}.", data: data),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The LLM API did not answer in time.", data: data);
        }
        catch (HttpRequestException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The LLM API is unreachable ({ex.HttpRequestError}).", data: data);
        }
    }

    public void Dispose() => _client.Dispose();
}
