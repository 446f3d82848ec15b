using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mem0Gateway.LoadTests;

/// <summary>mem0-shaped request bodies, pre-encoded per user.</summary>
public sealed class Bodies
{
    public readonly byte[][] Add, Search;
    public readonly Uri[] List;

    private static readonly string[] AddVariants =
    [
        """{"messages":[{"role":"user","content":"Hi, I'm Alex. I'm vegetarian and allergic to peanuts."},{"role":"assistant","content":"Got it, Alex: vegetarian, peanut allergy. I'll keep that in mind."}],"user_id":"{U}","agent_id":"diet-assistant","run_id":"{R}","metadata":{"source":"loadtest","category":"food_preferences"}{I}}""",
        """{"messages":[{"role":"user","content":"I moved to Berlin last month and work as a data engineer."}],"user_id":"{U}","metadata":{"source":"loadtest"}{I}}""",
    ];

    private const string SearchBody =
        """{"query":"What food should I avoid recommending to Alex?","user_id":"{U}","filters":{"user_id":"{U}","agent_id":"diet-assistant"},"limit":5,"top_k":5,"threshold":0.3}""";

    public Bodies(RunOptions o)
    {
        Add = new byte[o.Users][];
        Search = new byte[o.Users][];
        List = new Uri[o.Users];
        string infer = o.Infer ? "" : ",\"infer\":false";
        for (int i = 0; i < o.Users; i++)
        {
            var u = o.UserId(i);
            Add[i] = Encoding.UTF8.GetBytes(AddVariants[i % AddVariants.Length].Replace("{U}", u).Replace("{R}", $"lt-run-{o.RunId}").Replace("{I}", infer));
            Search[i] = Encoding.UTF8.GetBytes(SearchBody.Replace("{U}", u));
            List[i] = new Uri(o.Target, "memories?user_id=" + Uri.EscapeDataString(u));
        }
    }

    public static ByteArrayContent Json(byte[] body)
    {
        var c = new ByteArrayContent(body);
        c.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return c;
    }
}

public abstract class Scenario
{
    public abstract string Name { get; }
    public virtual IReadOnlyList<string> SubSteps => [];
    public virtual Task SetupAsync(RunContext ctx, CancellationToken ct) => Task.CompletedTask;
    public abstract Task<Outcome> ExecuteAsync(RunContext ctx, bool measured, CancellationToken ct);

    public static Scenario Create(RunOptions o) => o.Scenario switch
    {
        "mcp" => new McpSseScenario(o),
        "mix" => new Mem0Scenario(o, "mix"),
        _ => new Mem0Scenario(o, o.Scenario),
    };

    /// <summary>Deletes the generated lt- users' memories.</summary>
    public virtual async Task CleanupAsync(RunContext ctx, TextWriter log, CancellationToken ct)
    {
        int ok = 0, failed = 0;
        for (int i = 0; i < ctx.Options.Users; i++)
        {
            var uid = ctx.Options.UserId(i);
            if (!uid.StartsWith("lt-", StringComparison.Ordinal))
            {
                continue; // never touch anything else
            }

            try
            {
                using var resp = await ctx.Http.DeleteAsync(new Uri(ctx.Options.Target, "memories?user_id=" + Uri.EscapeDataString(uid)), ct);
                if (resp.IsSuccessStatusCode)
                {
                    ok++;
                }
                else
                {
                    failed++;
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested) { failed++; }
        }
        log.WriteLine($"cleanup: deleted memories of {ok} lt- users ({failed} failed)");
    }
}

/// <summary>add / search / list / get and the weighted mix against the mem0 REST API.</summary>
public sealed class Mem0Scenario : Scenario
{
    private readonly string _name;
    private readonly Bodies _bodies;
    private readonly string[] _wheel; // weighted choice for mix
    private int _cursor;
    private static readonly byte[] Drain = new byte[16 * 1024];

    public Mem0Scenario(RunOptions o, string name)
    {
        _name = name;
        _bodies = new Bodies(o);
        if (name == "mix")
        {
            _wheel = Spread(o.Mix);
        }
        else
        {
            _wheel = [name];
        }
    }

    /// <summary>Smooth weighted round-robin: add=1,search=6 gives one add spread among six searches.</summary>
    public static string[] Spread(Dictionary<string, int> mix)
    {
        var keys = mix.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        int total = keys.Sum(k => k.Value);
        var current = new int[keys.Length];
        var seq = new string[total];
        for (int n = 0; n < total; n++)
        {
            int best = -1;
            for (int i = 0; i < keys.Length; i++)
            {
                current[i] += keys[i].Value;
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }
            current[best] -= total;
            seq[n] = keys[best].Key;
        }
        return seq;
    }

    public override string Name => _name;
    public override IReadOnlyList<string> SubSteps => _name == "mix" ? _wheel.Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray() : [];

    private bool NeedsIds => _wheel.Contains("get");

    public override async Task SetupAsync(RunContext ctx, CancellationToken ct)
    {
        if (!NeedsIds)
        {
            return;
        }
        // get needs memory ids: harvest them from adds for the first few generated users
        int seeds = Math.Min(ctx.Options.Users, 5);
        for (int i = 0; i < seeds && ctx.MemoryIdCount < 5; i++)
        {
            try { await AddAsync(ctx, i, ct); }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw new RunFailedException($"setup: POST {new Uri(ctx.Options.Target, "memories")} to create memories for the get scenario failed: {e.Message}");
            }
        }
        if (ctx.MemoryIdCount == 0)
        {
            throw new RunFailedException("setup: add returned no memory ids (results[].id), so get has nothing to fetch");
        }
    }

    public override async Task<Outcome> ExecuteAsync(RunContext ctx, bool measured, CancellationToken ct)
    {
        string step = _wheel.Length == 1 ? _wheel[0] : _wheel[(int)((uint)Interlocked.Increment(ref _cursor) % (uint)_wheel.Length)];
        int user = ctx.NextUser();
        var o = step switch
        {
            "add" => await AddAsync(ctx, user, ct),
            "search" => await SendAsync(ctx, HttpMethod.Post, new Uri(ctx.Options.Target, "search"), _bodies.Search[user], ct),
            "list" => await SendAsync(ctx, HttpMethod.Get, _bodies.List[user], null, ct),
            "get" => await SendAsync(ctx, HttpMethod.Get, new Uri(ctx.Options.Target, "memories/" + PickId(ctx)), null, ct),
            _ => throw new InvalidOperationException(step),
        };
        return o with { Step = _wheel.Length == 1 ? null : step };
    }

    private static string PickId(RunContext ctx)
    {
        if (ctx.MemoryIds.TryDequeue(out var id)) { ctx.MemoryIds.Enqueue(id); return id; }
        return Guid.Empty.ToString();
    }

    private async Task<Outcome> AddAsync(RunContext ctx, int user, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(ctx.Options.Target, "memories")) { Content = Bodies.Json(_bodies.Add[user]) };
        using var resp = await ctx.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
        int status = (int)resp.StatusCode;
        if (!resp.IsSuccessStatusCode)
        {
            await DrainAsync(resp, ct);
            return Outcome.Fail(status, Errors.ForStatus(status));
        }
        if (NeedsIds && Volatile.Read(ref ctx.MemoryIdCount) < 10_000)
        {
            var bytes = await resp.Content.ReadAsByteArrayAsync(ct);
            HarvestIds(ctx, bytes);
        }
        else
        {
            await DrainAsync(resp, ct);
        }

        return Outcome.Success(status);
    }

    private static void HarvestIds(RunContext ctx, byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in results.EnumerateArray())
                {
                    if (r.ValueKind == JsonValueKind.Object && r.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                    {
                        ctx.AddMemoryId(id.GetString()!);
                    }
                }
            }
        }
        catch (JsonException) { }
    }

    private static async Task<Outcome> SendAsync(RunContext ctx, HttpMethod method, Uri uri, byte[]? body, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(method, uri);
        if (body != null)
        {
            req.Content = Bodies.Json(body);
        }

        using var resp = await ctx.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
        await DrainAsync(resp, ct);
        int status = (int)resp.StatusCode;
        return resp.IsSuccessStatusCode ? Outcome.Success(status) : Outcome.Fail(status, Errors.ForStatus(status));
    }

    private static async Task DrainAsync(HttpResponseMessage resp, CancellationToken ct)
    {
        using var s = await resp.Content.ReadAsStreamAsync(ct);
        while (await s.ReadAsync(Drain, ct) > 0) { } // contents are discarded, so sharing the buffer is fine
    }
}

/// <summary>
/// MCP tool call over the SSE transport: open the stream, read the endpoint
/// event, POST initialize, notifications/initialized and tools/call, read each result from the stream.
/// </summary>
public sealed class McpSseScenario(RunOptions o) : Scenario
{
    public override string Name => "mcp";
    public override IReadOnlyList<string> SubSteps => ["mcp_connect", "mcp_initialize", "mcp_tool_call"];

    private static readonly byte[] Initialize = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"lt","version":"0"}}}""");
    private static readonly byte[] Initialized = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    private readonly byte[] _toolCall = Encoding.UTF8.GetBytes(o.McpTool switch
    {
        "add_memories" => """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_memories","arguments":{"text":"I drink oat-milk flat whites.","infer":true}}}""",
        "list_memories" => """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_memories","arguments":{}}}""",
        _ => """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search_memory","arguments":{"query":"coffee order"}}}""",
    });

    public override async Task<Outcome> ExecuteAsync(RunContext ctx, bool measured, CancellationToken ct)
    {
        var opts = ctx.Options;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(opts.Timeout);
        var token = cts.Token;
        string user = opts.UserId(ctx.NextUser());
        long t = Stopwatch.GetTimestamp();

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(opts.McpTarget, $"mcp/{Uri.EscapeDataString(opts.McpClient)}/sse/{Uri.EscapeDataString(user)}"));
        get.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage resp;
        try { resp = await ctx.Streams.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return Sub(ctx, measured, "mcp_connect", t, Outcome.Fail(0, "timeout")); }
        using var _ = resp;
        int status = (int)resp.StatusCode;
        if (!resp.IsSuccessStatusCode)
        {
            return Sub(ctx, measured, "mcp_connect", t, Outcome.Fail(status, Errors.ForStatus(status)));
        }

        if (resp.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return Sub(ctx, measured, "mcp_connect", t, Outcome.Fail(status, "not_event_stream"));
        }

        await using var stream = await resp.Content.ReadAsStreamAsync(token);
        var sse = new SseReader(stream);
        try
        {
            var ev = await sse.NextAsync(token);
            if (ev is null || ev.Value.Name != "endpoint" || string.IsNullOrEmpty(ev.Value.Data))
            {
                return Sub(ctx, measured, "mcp_connect", t, Outcome.Fail(status, "sse_no_endpoint_event"));
            }

            Sub(ctx, measured, "mcp_connect", t, Outcome.Success(status));
            var endpoint = new Uri(opts.McpTarget, ev.Value.Data.Trim());

            t = Stopwatch.GetTimestamp();
            var r = await CallAsync(ctx, sse, endpoint, Initialize, 1, token);
            Sub(ctx, measured, "mcp_initialize", t, r);
            if (!r.Ok)
            {
                return r;
            }

            var p = await PostAsync(ctx, endpoint, Initialized, token);
            if (!p.Ok)
            {
                return p;
            }

            t = Stopwatch.GetTimestamp();
            r = await CallAsync(ctx, sse, endpoint, _toolCall, 2, token);
            Sub(ctx, measured, "mcp_tool_call", t, r);
            return r;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Outcome.Fail(0, "timeout");
        }
    }

    private static Outcome Sub(RunContext ctx, bool measured, string step, long t, Outcome o)
    {
        if (measured)
        {
            var s = ctx.Steps[step];
            s.MarkSent();
            s.Record((Stopwatch.GetTimestamp() - t) * 1_000_000 / Stopwatch.Frequency, o);
        }
        return o;
    }

    private static async Task<Outcome> PostAsync(RunContext ctx, Uri endpoint, byte[] body, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = Bodies.Json(body) };
        using var resp = await ctx.Http.SendAsync(req, ct);
        int status = (int)resp.StatusCode;
        return resp.IsSuccessStatusCode ? Outcome.Success(status) : Outcome.Fail(status, Errors.ForStatus(status));
    }

    /// <summary>POSTs a JSON-RPC request and waits for the message event with the same id on the stream.</summary>
    private static async Task<Outcome> CallAsync(RunContext ctx, SseReader sse, Uri endpoint, byte[] body, int id, CancellationToken ct)
    {
        var p = await PostAsync(ctx, endpoint, body, ct);
        if (!p.Ok)
        {
            return p;
        }

        while (true)
        {
            var ev = await sse.NextAsync(ct);
            if (ev is null)
            {
                return Outcome.Fail(200, "sse_stream_ended");
            }

            if (ev.Value.Name != "message")
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(ev.Value.Data);
                var root = doc.RootElement;
                if (!root.TryGetProperty("id", out var rid) || rid.ValueKind != JsonValueKind.Number || rid.GetInt32() != id)
                {
                    continue;
                }

                if (root.TryGetProperty("error", out _))
                {
                    return Outcome.Fail(200, "jsonrpc_error");
                }

                if (root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
                {
                    if (result.TryGetProperty("isError", out var ie) && ie.ValueKind == JsonValueKind.True)
                    {
                        return Outcome.Fail(200, "tool_error");
                    }

                    if (result.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var c in content.EnumerateArray())
                        {
                            if (c.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.StartsWith("Error:", StringComparison.Ordinal))
                            {
                                return Outcome.Fail(200, "tool_error");
                            }
                        }
                    }
                }
                return Outcome.Success(200);
            }
            catch (JsonException) { return Outcome.Fail(200, "bad_json"); }
        }
    }
}

/// <summary>Minimal text/event-stream parser (event/data fields, comments ignored).</summary>
public sealed class SseReader(Stream stream)
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8, false, 4096);

    public readonly record struct Event(string Name, string Data);

    public async Task<Event?> NextAsync(CancellationToken ct)
    {
        string? ev = null;
        StringBuilder? data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct);
            if (line == null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data == null && ev == null)
                {
                    continue;
                }

                return new Event(ev ?? "message", data?.ToString() ?? "");
            }
            if (line[0] == ':')
            {
                continue;
            }

            int colon = line.IndexOf(':');
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "event")
            {
                ev = value;
            }
            else if (field == "data")
            {
                if (data == null)
                {
                    data = new StringBuilder(value);
                }
                else
                {
                    data.Append('\n').Append(value);
                }
            }
        }
    }
}
