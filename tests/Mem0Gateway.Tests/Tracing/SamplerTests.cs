using System.Diagnostics;
using Mem0Gateway.Testing;

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

    [Fact]
    public async Task Without_an_otlp_endpoint_only_traces_the_caller_sampled_are_recorded_and_every_response_still_has_a_trace_id()
    {
        // No endpoint and no sampler setting, as a gateway run without Jaeger: the test's in-memory exporter sees what
        // would have been recorded.
        await using var traced = await TracedStack.StartAsync(o => o.Settings.Remove("OTEL_TRACES_SAMPLER"));
        using var client = traced.Client("mem0");

        using var root = await client.GetAsync("/memories?user_id=s");
        var rootTrace = Assert.Single(root.Headers.GetValues("X-Trace-Id"));
        Assert.EndsWith("-00", Assert.Single(root.Headers.GetValues("traceresponse")));
        var upstream = Assert.Single(traced.Stack.Mem0.RequestsTo("GET", "/memories")).Header("traceparent")!.Split('-');
        Assert.Equal(rootTrace, upstream[1]);
        Assert.Equal("00", upstream[3]);
        await traced.Log.WaitForAsync(lines => lines.Any(l => (string?)l["trace.id"] == rootTrace));

        // A caller that samples its trace is still continued as sampled, and the gateway's spans are recorded.
        var callerTrace = ActivityTraceId.CreateRandom().ToHexString();
        using var sampled = new HttpRequestMessage(HttpMethod.Get, "/memories/1b7a4f7e-0000-4000-8000-000000000001");
        sampled.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var second = await client.SendAsync(sampled);
        Assert.EndsWith("-01", Assert.Single(second.Headers.GetValues("traceresponse")));
        var forwarded = Assert.Single(traced.Stack.Mem0.RequestsTo("GET", "/memories/1b7a4f7e-0000-4000-8000-000000000001")).Header("traceparent")!;
        Assert.EndsWith("-01", forwarded);
        await traced.WaitForSpansAsync(callerTrace, s => s.Any(x => x.Kind == ActivityKind.Client));
        Assert.Empty(traced.SpansOf(rootTrace));
    }
}
