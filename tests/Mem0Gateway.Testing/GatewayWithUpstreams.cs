namespace Mem0Gateway.Testing;

/// <summary>A gateway whose three services each have their own fake upstream, so a test can tell where a request went.</summary>
public sealed class GatewayWithUpstreams : IAsyncDisposable
{
    private GatewayWithUpstreams(GatewayInstance gateway, FakeMem0Upstream mem0, FakeMem0Upstream openMemory, FakeMem0Upstream ui)
    {
        Gateway = gateway;
        Mem0 = mem0;
        OpenMemory = openMemory;
        Ui = ui;
    }

    public GatewayInstance Gateway { get; }

    public FakeMem0Upstream Mem0 { get; }

    public FakeMem0Upstream OpenMemory { get; }

    public FakeMem0Upstream Ui { get; }

    public static async Task<GatewayWithUpstreams> StartAsync(Action<GatewayInstanceOptions>? configure = null)
    {
        var mem0 = await FakeMem0Upstream.StartAsync();
        var openMemory = await FakeMem0Upstream.StartAsync();
        var ui = await FakeMem0Upstream.StartAsync();
        var options = new GatewayInstanceOptions();
        options.Destinations["mem0"] = [mem0.BaseAddress];
        options.Destinations["openmemory"] = [openMemory.BaseAddress];
        options.Destinations["openmemory-ui"] = [ui.BaseAddress];
        configure?.Invoke(options);
        var gateway = await GatewayInstance.StartAsync(options);
        return new GatewayWithUpstreams(gateway, mem0, openMemory, ui);
    }

    /// <summary>
    /// The stack for MCP tests: a fixed privacy key, and the fake's failing tool (<c>fail_tool</c>) allow-listed so its
    /// outcome has its own series.
    /// </summary>
    public static Task<GatewayWithUpstreams> StartForMcpAsync(Action<GatewayInstanceOptions>? configure = null)
        => StartAsync(options =>
        {
            options.Settings["Gateway:Privacy:HashKey"] = "mcp-tests";
            options.EditConfig = config => config["Gateway"]!["Mcp"]!["Tools"]!.AsArray().Add("fail_tool");
            configure?.Invoke(options);
        });

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Mem0.DisposeAsync();
        await OpenMemory.DisposeAsync();
        await Ui.DisposeAsync();
    }
}
