using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mem0Gateway.Tests.StatusPage;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on a websocket: one page that the test navigates
/// and reads through its live DOM (the page keeps refreshing itself, as it does for a person).
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _nextId;

    private HeadlessChromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Directory.CreateTempSubdirectory("mem0gw-chromium-").FullName;
        var start = new ProcessStartInfo("chromium")
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", $"--user-data-dir={profile}", "--window-size=1280,900", "about:blank",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Chromium writes the port it picked, then the browser's websocket path, into the profile.
            var portFile = Path.Combine(profile, "DevToolsActivePort");
            var watch = Stopwatch.StartNew();
            while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
            {
                if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException("chromium did not open its DevTools port");
                }

                await Task.Delay(50);
            }

            var port = int.Parse(File.ReadAllLines(portFile)[0]);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            string? pageSocket = null;
            while (pageSocket is null)
            {
                var targets = JsonNode.Parse(await http.GetStringAsync("json/list"))!.AsArray();
                pageSocket = targets.Select(t => t!.AsObject()).FirstOrDefault(t => (string?)t["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                if (pageSocket is null)
                {
                    if (watch.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        throw new InvalidOperationException("chromium has no page target");
                    }

                    await Task.Delay(50);
                }
            }

            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(pageSocket), CancellationToken.None);
            return new HeadlessChromium(process, profile, socket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    public async Task NavigateAsync(Uri url)
    {
        await SendAsync("Page.enable");
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        await WaitForAsync("document.readyState === 'complete'", TimeSpan.FromSeconds(20), "the page loads");
    }

    public Task ReloadAsync() => SendAsync("Page.reload");

    /// <summary>Evaluates an expression in the page and returns its value (JSON-serialisable results only).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result["exceptionDetails"] is { } error)
        {
            throw new InvalidOperationException($"The page threw: {error.ToJsonString()}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    public async Task<T> EvaluateAsync<T>(string expression)
        => (await EvaluateAsync(expression)).Deserialize<T>()!;

    /// <summary>Polls a boolean expression in the page until it holds; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForAsync(string condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await EvaluateAsync($"(function () {{ try {{ return !!({condition}); }} catch (e) {{ return false; }} }})()");
            if (value?.GetValue<bool>() == true)
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}. Page text: {await EvaluateAsync("document.body ? document.body.innerText : ''")}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A PNG of the page as it is rendered now.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (answer["error"] is { } error)
        {
            throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
        }

        return answer["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var waiter))
                {
                    waiter.TrySetResult(json);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        foreach (var waiter in _pending.Values)
        {
            waiter.TrySetException(new InvalidOperationException("chromium closed the DevTools connection"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (Exception)
        {
        }

        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
