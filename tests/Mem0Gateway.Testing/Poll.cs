using System.Diagnostics;

namespace Mem0Gateway.Testing;

/// <summary>Waits for something a server does in the background (probes, reloads, closing streams), and says how long it took.</summary>
public static class Poll
{
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
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
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
        => UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
