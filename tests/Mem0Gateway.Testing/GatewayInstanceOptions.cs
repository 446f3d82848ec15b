using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace Mem0Gateway.Testing;

/// <summary>How a test wants its gateway: the repository's yarp.json, with destinations and settings swapped in.</summary>
public sealed class GatewayInstanceOptions
{
    /// <summary>Destinations per service (YARP cluster id). Services not listed get <see cref="DefaultDestination"/>.</summary>
    public Dictionary<string, Uri[]> Destinations { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where services without an entry in <see cref="Destinations"/> point; a closed port when null.</summary>
    public Uri? DefaultDestination { get; set; }

    /// <summary>Config values written into the generated yarp.json, by colon path ("Gateway:Metrics:Enabled" = "false").</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        // The services most tests were written against (mem0 + OpenMemory API + UI); the mem0 dashboard's tests pick "mem0" or "all".
        ["Gateway:Stack"] = "openmemory",
    };

    /// <summary>Switches the active health probes off, so only the test decides when a destination is probed.</summary>
    public bool ActiveHealthChecks { get; set; } = true;

    /// <summary>A last edit of the generated config before it is written.</summary>
    public Action<JsonObject>? EditConfig { get; set; }

    /// <summary>Extra registrations, e.g. an in-memory span exporter.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; set; }
}
