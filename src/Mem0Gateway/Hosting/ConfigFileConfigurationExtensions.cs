using Microsoft.Extensions.FileProviders;

namespace Mem0Gateway.Hosting;

/// <summary>Adds the gateway's JSON config file so that edits reload, whether it is a plain file or a symlink.</summary>
internal static class ConfigFileConfigurationExtensions
{
    /// <summary>
    /// A plain file is watched with inotify. A symlinked file (a Kubernetes ConfigMap mount:
    /// <c>yarp.json -&gt; ..data/yarp.json</c>, updated by renaming a new <c>..data</c> link over the old one) is polled
    /// instead: the swap only touches <c>..data</c>, which a watcher of <c>yarp.json</c> never hears of, while polling
    /// reads the final target's write time and so sees the new file.
    /// </summary>
    public static IConfigurationBuilder AddGatewayConfigFile(this IConfigurationBuilder builder, string path)
    {
        if (new FileInfo(path).LinkTarget is null)
        {
            return builder.AddJsonFile(path, optional: false, reloadOnChange: true);
        }

        var provider = new PhysicalFileProvider(Path.GetDirectoryName(path)!)
        {
            UsePollingFileWatcher = true,
            UseActivePolling = true,
        };
        return builder.AddJsonFile(provider, Path.GetFileName(path), optional: false, reloadOnChange: true);
    }
}
