using System.Text.RegularExpressions;
using Mem0Gateway.Tests.Tracing;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>A real browser on the dashboard's gateway port calling the API's gateway port cross-origin.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed partial class BrowserTests
{
    [Fact]
    public async Task With_the_api_down_the_page_reads_the_gateways_503_problem_and_trace_id()
    {
        await using var stack = await Mem0Stack.StartAsync(serverUp: false);
        await stack.Gateway.ScrapeUntilAsync(m => m.Sum("mem0_gateway_upstream_up", ("service", "mem0")) == 0);
        stack.Dashboard.LoginPageScript = Script(stack, """
            var x = new XMLHttpRequest();
            x.open('GET', API + '/memories', false);
            x.send();
            report('status=' + x.status + ';trace=' + x.getResponseHeader('X-Trace-Id') + ';title=' + JSON.parse(x.responseText).title);
            """);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(stack.DashboardOrigin + "/login"));

        var result = Result(dom);
        Assert.StartsWith("status=503;trace=", result);
        var traceId = Regex.Match(result, "trace=([0-9a-f]{32});").Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.EndsWith(";title=No upstream available", result);
        Assert.Contains(stack.Log.AccessLines, l => (string?)l["trace.id"] == traceId && (int?)l["http.response.status_code"] == 503);
    }

    [Fact]
    public async Task With_the_api_up_a_post_passes_its_preflight()
    {
        await using var stack = await Mem0Stack.StartAsync(o => o.ActiveHealthChecks = false);
        var key = stack.Server.CreateApiKey();
        stack.Dashboard.LoginPageScript = Script(stack, $$"""
            var x = new XMLHttpRequest();
            x.open('POST', API + '/memories', false);
            x.setRequestHeader('Content-Type', 'application/json');
            x.setRequestHeader('X-API-Key', '{{key}}');
            x.send(JSON.stringify({ messages: [{ role: 'user', content: 'I like tea' }], user_id: 'alice' }));
            report('status=' + x.status + ';event=' + JSON.parse(x.responseText).results[0].event + ';trace=' + (x.getResponseHeader('X-Trace-Id') || 'hidden'));
            """);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(stack.DashboardOrigin + "/login"));

        Assert.Matches("^status=200;event=ADD;trace=[0-9a-f]{32}$", Result(dom));
        Assert.Contains(stack.Server.Requests, r => r.Method == "OPTIONS" && r.Path == "/memories" && r.Origin == stack.DashboardOrigin);
        var metrics = await stack.Gateway.ScrapeAsync();
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("service", "mem0"), ("operation", "preflight"), ("status_code", "200")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_requests_total", ("service", "mem0"), ("operation", "add"), ("status_code", "200")));
        Assert.Equal(1, metrics.Sum("mem0_gateway_api_key_requests_total", ("key", key[..12]), ("status_class", "2xx")));
    }

    /// <summary>The page's script: API is the gateway's mem0 origin (NEXT_PUBLIC_API_URL); report() writes the result.</summary>
    private static string Script(Mem0Stack stack, string body) => $$"""
        var API = 'http://127.0.0.1:{{stack.Gateway.ServicePorts["mem0"]}}';
        function report(text) { document.getElementById('out').textContent = text; }
        try {
        {{body}}
        } catch (e) { report('error=' + e); }
        """;

    private static string Result(string dom) => OutDiv().Match(dom) is { Success: true } m
        ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new Xunit.Sdk.XunitException("no #out element in: " + dom);

    [GeneratedRegex("<div id=\"out\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex OutDiv();
}
