using System.Diagnostics;

namespace Mem0Gateway.Testing;

/// <summary>Waits for something a server does in the background (probes, reloads, closing streams), and says how long it took.</summary>
public static class Poll
{
    /// <param name="explain">Appended to the timeout message: what the servers said, for the failure report.</param>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? explain = null, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}" + (explain is null ? "" : "\n" + explain()));
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }

    public static Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? explain = null, TimeSpan? interval = null)
        => UntilAsync(() => Task.FromResult(condition()), timeout, what, explain, interval);
}
