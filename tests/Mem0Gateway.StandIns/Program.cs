using System.Runtime.InteropServices;
using Mem0Gateway.Testing;

// The tests' stand-in upstreams (mem0 server, OpenMemory API with MCP, OpenMemory UI) as one process, for scripts that
// want the real gateway in front of something that answers like mem0: scripts/screenshot-status-page.sh.
// Prints one "service=url" line per stand-in, then runs until SIGTERM or Ctrl+C.
var stopped = new TaskCompletionSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

await using var mem0 = await FakeMem0Upstream.StartAsync();
await using var openMemory = await FakeMem0Upstream.StartAsync();
await using var ui = await FakeMem0Upstream.StartAsync();
Console.WriteLine($"mem0={mem0.BaseAddress}");
Console.WriteLine($"openmemory={openMemory.BaseAddress}");
Console.WriteLine($"openmemory-ui={ui.BaseAddress}");
await Console.Out.FlushAsync();
await stopped.Task;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopped.TrySetResult();
}
