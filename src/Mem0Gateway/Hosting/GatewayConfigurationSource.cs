namespace Mem0Gateway.Hosting;

/// <summary>Finds the gateway's JSON config file: <c>--config PATH</c>, else <c>MEM0GW_CONFIG</c>, else yarp.json.</summary>
internal static class GatewayConfigurationSource
{
    public const string EnvironmentVariable = "MEM0GW_CONFIG";
    public const string DefaultFileName = "yarp.json";

    /// <summary>Returns the config path and the arguments left once <c>--config</c> is taken out.</summary>
    public static (string Path, string[] RemainingArgs) Resolve(string[] args)
    {
        string? path = null;
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--config" && i + 1 < args.Length)
            {
                path = args[++i];
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                path = arg["--config=".Length..];
            }
            else
            {
                rest.Add(arg);
            }
        }

        path ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            // The working directory wins so that `dotnet run` from the repository uses the repository's yarp.json;
            // the copy beside the binary serves a published gateway.
            var local = System.IO.Path.GetFullPath(DefaultFileName);
            path = File.Exists(local) ? local : System.IO.Path.Combine(AppContext.BaseDirectory, DefaultFileName);
        }

        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Gateway config file not found: {path}. Pass --config PATH or set {EnvironmentVariable}.", path);
        }

        return (path, rest.ToArray());
    }
}
