using System.Collections.Concurrent;
using System.Diagnostics;
using Mem0Gateway.Logging;
using OpenTelemetry.Trace;

namespace Mem0Gateway.Testing;

/// <summary>A gateway with fake upstreams whose spans land in memory and whose stdout lines land in a buffer.</summary>
public sealed class TracedStack : IAsyncDisposable
{
    private TracedStack(GatewayWithUpstreams stack, ConcurrentQueue<Activity> spans, CapturedLogOutput log)
    {
        Stack = stack;
        Spans = spans;
        Log = log;
    }

    public GatewayWithUpstreams Stack { get; }

    public GatewayInstance Gateway => Stack.Gateway;

    /// <summary>Every span the gateway's tracer provider ended (in a test process that includes the fake upstreams' spans).</summary>
    public ConcurrentQueue<Activity> Spans { get; }

    public CapturedLogOutput Log { get; }

    public static async Task<TracedStack> StartAsync(Action<GatewayInstanceOptions>? configure = null)
    {
        var spans = new ConcurrentQueue<Activity>();
        var log = new CapturedLogOutput();
        var stack = await GatewayWithUpstreams.StartAsync(options =>
        {
            options.ActiveHealthChecks = false;
            CaptureSpansAndLog(options, spans, log);
            configure?.Invoke(options);
        });
        return new TracedStack(stack, spans, log);
    }

    /// <summary>Sends a gateway's spans to <paramref name="spans"/> (every one recorded) and its stdout lines to <paramref name="log"/>.</summary>
    public static void CaptureSpansAndLog(GatewayInstanceOptions options, ConcurrentQueue<Activity> spans, CapturedLogOutput log)
    {
        // Spans go to memory, not over OTLP: say explicitly to record them all, as a gateway with an endpoint does.
        options.Settings["OTEL_TRACES_SAMPLER"] = "parentbased_always_on";
        options.ConfigureBuilder = builder =>
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new SpanSink(spans)));
            builder.Services.AddSingleton(new GatewayLogOutput(log));
        };
    }

    /// <summary>
    /// A client of one service port that, unlike an ordinary HttpClient in this process, is not itself traced: it sends
    /// only the trace headers a test puts on its requests.
    /// </summary>
    public HttpClient Client(string service)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null })
        {
            BaseAddress = Gateway.ServiceAddress(service),
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("mem0gw-tests/1.0");
        return client;
    }

    public IReadOnlyList<Activity> SpansOf(string traceId) => Spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();

    /// <summary>Waits for spans of one trace: the gateway's server span ends just after the client has its response.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForSpansAsync(string traceId, Func<IReadOnlyList<Activity>, bool> done, int timeoutMs = 10_000)
    {
        IReadOnlyList<Activity> spans = [];
        try
        {
            await Poll.UntilAsync(() => done(spans = SpansOf(traceId)), TimeSpan.FromMilliseconds(timeoutMs), "spans of trace " + traceId);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Spans of trace {traceId} did not arrive; got: " + string.Join(", ", spans.Select(s => $"{s.Kind} {s.DisplayName}")));
        }

        return spans;
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();

    /// <summary>The in-memory exporter wants an ICollection; spans end on many threads.</summary>
    public sealed class SpanSink(ConcurrentQueue<Activity> queue) : ICollection<Activity>
    {
        public int Count => queue.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item) => queue.Enqueue(item);

        public void Clear() => queue.Clear();

        public bool Contains(Activity item) => queue.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => queue.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
