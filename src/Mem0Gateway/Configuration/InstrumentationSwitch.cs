namespace Mem0Gateway.Configuration;

/// <summary>Turns one kind of instrumentation on or off, so its cost can be measured in the same binary.</summary>
public sealed class InstrumentationSwitch
{
    public bool Enabled { get; set; } = true;
}
