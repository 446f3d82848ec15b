using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;
using Xunit.Abstractions;

namespace Mem0Gateway.Tests.StatusPage;

/// <summary>
/// The status page as a person sees it: real headless Chromium loads it from the management port of a gateway in
/// front of stand-in upstreams, and the test reads the rendered DOM while the page refreshes itself.
/// </summary>
public sealed class StatusPageBrowserTests
{
    private const string Token = "status-page-test-token";

    private readonly ITestOutputHelper _output;

    public StatusPageBrowserTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task The_page_lists_every_service_and_operation_and_shows_sent_traffic_in_the_rates()
    {
        await using var stand = await GatewayWithUpstreams.StartAsync(FastSampling);
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(StatusPageUrl(stand.Gateway.ManagementPort));

        var (services, operations) = ConfiguredServicesAndOperations();
        await browser.WaitForAsync($"document.querySelectorAll('article.service').length === {services.Count}", TimeSpan.FromSeconds(10), "every service is shown");
        var shownServices = await browser.EvaluateAsync<string[]>("Array.from(document.querySelectorAll('article.service')).map(e => e.dataset.service)");
        Assert.Equal(services.Order(), shownServices.Order());
        var shownOperations = (await browser.EvaluateAsync<string[]>("Array.from(document.querySelectorAll('.operation')).map(e => e.dataset.service + '/' + e.dataset.operation)"))
            .ToHashSet();
        Assert.All(operations, operation => Assert.Contains(operation, shownOperations));
        // Every service card names its port, and the page shows no rate before there is traffic.
        foreach (var (service, port) in stand.Gateway.ServicePorts)
        {
            var text = await browser.EvaluateAsync<string>($"document.querySelector('article.service[data-service=\"{service}\"]').innerText");
            Assert.Contains($"port {port}", text);
        }

        Assert.Equal(0, await browser.EvaluateAsync<double>("Number(document.querySelector('.operation[data-service=\"mem0\"][data-operation=\"add\"]').dataset.rate)"));

        using var mem0 = stand.Gateway.Client("mem0");
        for (var i = 0; i < 6; i++)
        {
            using var add = await mem0.PostAsJsonAsync("/memories", new { messages = new[] { new { role = "user", content = "likes tea" } }, user_id = "alice" });
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var search = await mem0.PostAsJsonAsync("/search", new { query = "tea", user_id = "alice" });
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        }

        await browser.WaitForAsync(
            "(function () { var add = document.querySelector('.operation[data-service=\"mem0\"][data-operation=\"add\"]');" +
            " var search = document.querySelector('.operation[data-service=\"mem0\"][data-operation=\"search\"]');" +
            " return add.dataset.total === '6' && Number(add.dataset.rate) > 0 && search.dataset.total === '3' && Number(search.dataset.rate) > 0; })()",
            TimeSpan.FromSeconds(10), "the page shows the requests sent in the per-operation rates");
        var addRate = await browser.EvaluateAsync<double>("Number(document.querySelector('.operation[data-service=\"mem0\"][data-operation=\"add\"]').dataset.rate)");
        var searchRate = await browser.EvaluateAsync<double>("Number(document.querySelector('.operation[data-service=\"mem0\"][data-operation=\"search\"]').dataset.rate)");
        Assert.True(addRate > searchRate, $"6 adds against 3 searches in the same window: add {addRate}/s, search {searchRate}/s");
        Assert.Equal(0, await browser.EvaluateAsync<double>("Number(document.querySelector('.operation[data-service=\"mem0\"][data-operation=\"get_all\"]').dataset.rate)"));
    }

    [Fact]
    public async Task A_killed_upstream_shows_as_down_within_ten_seconds_and_up_again_after_a_restart()
    {
        await using var stand = await GatewayWithUpstreams.StartAsync(options =>
        {
            FastSampling(options);
            // The UI stand-in has no /logo.svg: probe a path it serves, so every service starts healthy.
            options.Settings["ReverseProxy:Clusters:openmemory-ui:HealthCheck:Active:Path"] = "/openapi.json";
        });
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(StatusPageUrl(stand.Gateway.ManagementPort));
        const string mem0Destination = "article.service[data-service=\"mem0\"] li.destination[data-destination=\"mem0-1\"]";
        await browser.WaitForAsync($"document.querySelector('{mem0Destination}').dataset.up === 'true' && document.getElementById('overall').textContent === 'healthy'",
            TimeSpan.FromSeconds(15), "every service shows as up");

        await stand.Mem0.StopAsync();
        var down = await browser.WaitForAsync($"document.querySelector('{mem0Destination}').dataset.up === 'false'", TimeSpan.FromSeconds(10),
            "the killed mem0 upstream shows as down");
        Assert.True(down < TimeSpan.FromSeconds(10), $"down shown after {down.TotalSeconds:0.0} s");
        _output.WriteLine($"killed upstream shown as down after {down.TotalSeconds:0.0} s");
        // mem0 is required: the page's overall verdict says so, and the other services stay up.
        Assert.Equal("unhealthy", await browser.EvaluateAsync<string>("document.getElementById('overall').textContent"));
        Assert.Equal("true", await browser.EvaluateAsync<string>("document.querySelector('article.service[data-service=\"openmemory\"]').dataset.up"));
        Assert.Contains("last probe unhealthy", await browser.EvaluateAsync<string>($"document.querySelector('{mem0Destination}').innerText"));

        await stand.Mem0.StartAsync();
        var up = await browser.WaitForAsync($"document.querySelector('{mem0Destination}').dataset.up === 'true'", TimeSpan.FromSeconds(15),
            "the restarted mem0 upstream shows as up again");
        _output.WriteLine($"restarted upstream shown as up after {up.TotalSeconds:0.0} s");
        Assert.Contains("last probe healthy", await browser.EvaluateAsync<string>($"document.querySelector('{mem0Destination}').innerText"));
        Assert.Equal("healthy", await browser.EvaluateAsync<string>("document.getElementById('overall').textContent"));
    }

    [Fact]
    public async Task With_a_token_the_page_asks_once_per_browser_session_and_never_puts_the_token_in_a_url()
    {
        await using var stand = await GatewayWithUpstreams.StartAsync(options =>
        {
            FastSampling(options);
            options.Settings["Gateway:Management:BearerToken"] = Token;
        });
        using (var anonymous = await stand.Gateway.Management.GetAsync("/status.json"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // The page itself holds nothing secret: it loads without the token and asks for it.
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(StatusPageUrl(stand.Gateway.ManagementPort));
        await browser.WaitForAsync("getComputedStyle(document.getElementById('login')).display !== 'none'", TimeSpan.FromSeconds(10), "the page asks for the token");
        Assert.Equal(0, await browser.EvaluateAsync<int>("document.querySelectorAll('article.service').length"));

        await browser.EvaluateAsync("document.getElementById('token').value = 'wrong-token'; document.getElementById('login-form').requestSubmit(); true");
        await browser.WaitForAsync("document.getElementById('login-hint').textContent.includes('not accepted')", TimeSpan.FromSeconds(10), "a wrong token is refused");
        Assert.Null(await browser.EvaluateAsync("sessionStorage.getItem('mem0gw.managementToken')"));

        await browser.EvaluateAsync($"document.getElementById('token').value = '{Token}'; document.getElementById('login-form').requestSubmit(); true");
        await browser.WaitForAsync("document.querySelectorAll('article.service').length === 3 && getComputedStyle(document.getElementById('login')).display === 'none'",
            TimeSpan.FromSeconds(10), "the page shows the status once given the token");
        Assert.Equal(Token, await browser.EvaluateAsync<string>("sessionStorage.getItem('mem0gw.managementToken')"));
        Assert.Null(await browser.EvaluateAsync("localStorage.getItem('mem0gw.managementToken')"));

        // A reload in the same browser session does not ask again.
        await browser.ReloadAsync();
        await browser.WaitForAsync("document.readyState === 'complete' && document.querySelectorAll('article.service').length === 3", TimeSpan.FromSeconds(10),
            "the reloaded page shows the status without asking");
        Assert.Equal("none", await browser.EvaluateAsync<string>("getComputedStyle(document.getElementById('login')).display"));

        var urls = await browser.EvaluateAsync<string[]>("[location.href].concat(performance.getEntriesByType('resource').map(e => e.name))");
        Assert.Contains(urls, url => url.EndsWith("/status.json", StringComparison.Ordinal));
        Assert.DoesNotContain(urls, url => url.Contains(Token, StringComparison.Ordinal) || url.Contains("wrong-token", StringComparison.Ordinal));
    }

    private static void FastSampling(GatewayInstanceOptions options) => options.Settings["Gateway:StatusPage:SampleInterval"] = "00:00:00.250";

    internal static Uri StatusPageUrl(int managementPort) => new($"http://127.0.0.1:{managementPort}/");

    /// <summary>The services and "service/operation" pairs of the repository's yarp.json.</summary>
    internal static (List<string> Services, List<string> Operations) ConfiguredServicesAndOperations()
    {
        var config = GatewayConfigFile.LoadRepositoryConfig();
        var services = config["Gateway"]!["Services"]!.AsObject().Select(s => s.Key).ToList();
        var operations = config["ReverseProxy"]!["Routes"]!.AsObject()
            .Select(r => $"{(string)r.Value!["ClusterId"]!}/{(string?)r.Value!["Metadata"]?["Operation"] ?? "other"}")
            .Distinct()
            .ToList();
        return (services, operations);
    }
}
