using System.Diagnostics;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Health;

/// <summary>
/// yarp.json mounted from a Kubernetes ConfigMap: the kubelet never writes the file in place. The mount holds a
/// timestamped directory with the real file, a <c>..data</c> symlink to it, and <c>yarp.json -&gt; ..data/yarp.json</c>;
/// an update writes a new timestamped directory and renames a new <c>..data</c> link over the old one.
/// </summary>
public sealed class ConfigMapReloadTests
{

    private static string Mount(string configPath)
    {
        var mount = Directory.CreateTempSubdirectory("mem0gw-configmap-").FullName;
        var first = Path.Combine(mount, "..2026_12_05_10_00_00.000000001");
        Directory.CreateDirectory(first);
        File.Copy(configPath, Path.Combine(first, "yarp.json"));
        File.CreateSymbolicLink(Path.Combine(mount, "..data"), Path.GetFileName(first));
        File.CreateSymbolicLink(Path.Combine(mount, "yarp.json"), Path.Combine("..data", "yarp.json"));
        return Path.Combine(mount, "yarp.json");
    }

    /// <summary>What the kubelet's atomic writer does: new dir, new link, rename over ..data, old dir removed.</summary>
    private static void SwapData(string mount, JsonObject config)
    {
        var oldTarget = Path.Combine(mount, new FileInfo(Path.Combine(mount, "..data")).LinkTarget!);
        var next = Path.Combine(mount, "..2026_12_05_10_05_00.000000002");
        Directory.CreateDirectory(next);
        GatewayConfigFile.Write(Path.Combine(next, "yarp.json"), config);
        File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), Path.GetFileName(next));
        // rename(2) replaces the old link in one step, as the kubelet does (File.Move refuses a link to a directory;
        // `mv -T` is a plain rename).
        using (var mv = Process.Start("mv", ["-T", Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")]))
        {
            mv.WaitForExit();
            Assert.Equal(0, mv.ExitCode);
        }

        Directory.Delete(oldTarget, recursive: true);
    }

    [Fact]
    public async Task A_ConfigMap_update_through_the_data_symlink_swap_is_picked_up_without_a_restart()
    {
        await using var stack = await GatewayWithUpstreams.StartAsync(o => o.PlaceConfig = Mount);
        await using var replacement = await FakeMem0Upstream.StartAsync();
        var gateway = stack.Gateway;
        var mount = Path.GetDirectoryName(gateway.ConfigPath)!;
        using var client = gateway.Client("mem0");
        using (var before = await client.GetAsync("/memories?user_id=u"))
        {
            Assert.Single(stack.Mem0.RequestsTo("GET", "/memories"));
        }

        var config = gateway.ReadConfig();
        config["ReverseProxy"]!["Clusters"]!["mem0"]!["Destinations"] = new JsonObject
        {
            ["mem0-new"] = new JsonObject { ["Address"] = replacement.BaseAddress.ToString() },
        };
        SwapData(mount, config);

        await Poll.UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/memories?user_id=u");
            return replacement.RequestsTo("GET", "/memories").Any();
        }, TimeSpan.FromSeconds(20), "traffic at the destination named in the swapped ConfigMap");
        var metrics = await gateway.ScrapeAsync();
        Assert.True(metrics.Sum("mem0_gateway_config_reloads_total", ("result", "success")) >= 1);
        Assert.Equal(0, metrics.Sum("mem0_gateway_config_reloads_total", ("result", "failure")));
        Directory.Delete(mount, recursive: true);
    }
}
