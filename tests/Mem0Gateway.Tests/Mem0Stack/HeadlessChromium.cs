using System.Diagnostics;

namespace Mem0Gateway.Tests.Mem0Stack;

/// <summary>
/// Debian's real Chromium, headless: loads one page and returns the DOM once the page has loaded. Test pages make
/// their calls with synchronous XHR from an inline script, so every call (preflights included) is finished before the
/// load event and the dump is taken on that condition, with no timer.
/// </summary>
internal static class HeadlessChromium
{
    public static async Task<string> DumpDomAsync(Uri page)
    {
        var profile = Directory.CreateTempSubdirectory("mem0gw-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo("chromium")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--no-proxy-server", "--disable-dev-shm-usage",
                $"--user-data-dir={profile}", "--dump-dom", page.ToString(),
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start (install Debian's chromium)");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 60 s: " + await stderr);
            }

            var dom = await stdout;
            Assert.True(process.ExitCode == 0 && dom.Length > 0, $"chromium exited {process.ExitCode}: {await stderr}");
            return dom;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
