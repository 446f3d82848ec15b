using System.Diagnostics;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>
/// Runs alone (<see cref="ProcessWideTracingCollection"/>): another test's always-on gateway running in parallel would
/// overrule the sampler under test.
/// </summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class SamplerTests
{
    [Fact]
    public async Task The_sampler_comes_from_OTEL_TRACES_SAMPLER_and_the_upstream_is_told_the_truth()
    {
        await using var traced = await TracedStack.StartAsync(o =>
        {
            o.Settings["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
            o.Settings["OTEL_TRACES_SAMPLER_ARG"] = "0";
        });
        using var client = traced.Client("mem0");
        using var response = await client.GetAsync("/memories?user_id=s");
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        Assert.EndsWith("-00", Assert.Single(response.Headers.GetValues("traceresponse")));
        var upstream = Assert.Single(traced.Stack.Mem0.RequestsTo("GET", "/memories")).Header("traceparent")!.Split('-');
        Assert.Equal(traceId, upstream[1]);
        Assert.Equal("00", upstream[3]);

        // A caller's sampled trace still wins over the ratio: parent-based.
        var callerTrace = ActivityTraceId.CreateRandom().ToHexString();
        using var sampled = new HttpRequestMessage(HttpMethod.Get, "/memories/1b7a4f7e-0000-4000-8000-000000000001");
        sampled.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var second = await client.SendAsync(sampled);
        Assert.EndsWith("-01", Assert.Single(second.Headers.GetValues("traceresponse")));
        await traced.WaitForSpansAsync(callerTrace, s => s.Any(x => x.Kind == ActivityKind.Client));
        Assert.Empty(traced.SpansOf(traceId));
    }
}
