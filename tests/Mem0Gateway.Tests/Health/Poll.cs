using System.Diagnostics;

namespace Mem0Gateway.Tests.Health;

/// <summary>Waits for something the gateway does in the background (probes, reloads), and says how long it took.</summary>
internal static class Poll
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
}
