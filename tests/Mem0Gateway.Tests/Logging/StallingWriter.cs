namespace Mem0Gateway.Tests.Logging;

/// <summary>A writer whose first write blocks until released, like a pipe nobody reads.</summary>
internal sealed class StallingWriter(ManualResetEventSlim release) : StringWriter
{
    public ManualResetEventSlim Blocked { get; } = new(false);

    public override void Write(char value)
    {
        Stall();
        base.Write(value);
    }

    public override void Write(string? value)
    {
        Stall();
        base.Write(value);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Stall();
        base.Write(buffer);
    }

    private void Stall()
    {
        Blocked.Set();
        release.Wait();
    }
}
