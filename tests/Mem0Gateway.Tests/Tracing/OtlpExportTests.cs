using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Mem0Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>Spans leave over OTLP/HTTP to whatever OTEL_EXPORTER_OTLP_ENDPOINT names (Jaeger's 4318 in production).</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Spans_arrive_at_the_otlp_http_endpoint_as_protobuf_holding_the_trace_id()
    {
        var received = new ConcurrentQueue<(string Method, string Path, string? ContentType, byte[] Body)>();
        var port = FreePorts.Allocate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        await using var collector = builder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Method, context.Request.Path.Value ?? "", context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
        });
        await collector.StartAsync();

        await using var traced = await TracedStack.StartAsync(o =>
        {
            o.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}";
            o.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            o.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
            o.Settings["OTEL_SERVICE_NAME"] = "gw-under-test";
        });
        using var client = traced.Client("mem0");
        using var response = await client.GetAsync("/memories?user_id=otlp");
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        var traceIdBytes = Convert.FromHexString(traceId);

        await Poll.UntilAsync(() => received.Any(r => Contains(r.Body, traceIdBytes)), TimeSpan.FromSeconds(20), "an OTLP export holding the trace");

        // The trace's spans end at different moments, so they may come in more than one batch.
        var exports = received.Where(r => Contains(r.Body, traceIdBytes)).ToList();
        Assert.NotEmpty(exports);
        Assert.All(exports, export =>
        {
            Assert.Equal("POST", export.Method);
            Assert.Equal("/v1/traces", export.Path);
            Assert.Equal("application/x-protobuf", export.ContentType);
            Assert.True(Contains(export.Body, "gw-under-test"u8.ToArray()), "the resource's service.name is not in the export");
        });
        Assert.Contains("OtlpTraceExporter", DescribeProcessors(traced));
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported_and_requests_are_unaffected()
    {
        await using var traced = await TracedStack.StartAsync();
        using var client = traced.Client("mem0");
        using var response = await client.GetAsync("/memories?user_id=none");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chain = DescribeProcessors(traced);
        Assert.Contains("InMemoryExporter", chain);
        Assert.DoesNotContain("Otlp", chain);
    }

    private static string DescribeProcessors(TracedStack traced)
    {
        // TracerProviderSdk keeps its processor chain in an internal property; its type names are what we need.
        var provider = traced.Gateway.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider))!;
        var processor = provider.GetType().GetProperty("Processor", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)?.GetValue(provider);
        return Describe(processor, depth: 0);
    }

    /// <summary>Type names of everything reachable inside OpenTelemetry's own objects (processors, linked nodes, exporters).</summary>
    private static string Describe(object? value, int depth, HashSet<object>? seen = null)
    {
        seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        if (value is null || depth > 8 || !seen.Add(value) || value.GetType().Namespace?.StartsWith("OpenTelemetry", StringComparison.Ordinal) != true)
        {
            return string.Empty;
        }

        var text = value.GetType().Name;
        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.DeclaredOnly))
            {
                if (!field.FieldType.IsValueType)
                {
                    text += " " + Describe(field.GetValue(value), depth + 1, seen);
                }
            }
        }

        return text;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
