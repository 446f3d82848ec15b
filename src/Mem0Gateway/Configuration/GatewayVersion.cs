using System.Reflection;

namespace Mem0Gateway.Configuration;

/// <summary>The gateway's version as people read it: the assembly's informational version without the commit suffix.</summary>
public static class GatewayVersion
{
    public static string Current { get; } = typeof(GatewayVersion).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
