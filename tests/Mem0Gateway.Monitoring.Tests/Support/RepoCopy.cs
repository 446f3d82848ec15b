namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>
/// A copy of the repository's tracked files (what a user gets from a clone) in a temporary directory, so that
/// scripts/setup_monitoring.sh can run on it without touching the working tree.
/// </summary>
public sealed class RepoCopy : IDisposable
{
    private RepoCopy(string root) => Root = root;

    public string Root { get; }

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static async Task<RepoCopy> CreateAsync()
    {
        var listing = await Tools.RunAsync("git", ["-C", RepoPaths.Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
        Assert.True(listing.ExitCode == 0, "git ls-files failed: " + listing.Describe());
        var root = Directory.CreateTempSubdirectory("mem0gw-monitoring-").FullName;
        foreach (var file in listing.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = System.IO.Path.Combine(RepoPaths.Root, file);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree
            }

            var target = System.IO.Path.Combine(root, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            if (file.EndsWith(".sh", StringComparison.Ordinal))
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
        }

        return new RepoCopy(root);
    }

    /// <summary>Runs scripts/setup_monitoring.sh --init-only in the copy, as a user does before `docker compose up`.</summary>
    public async Task<ProcessResult> InitAsync()
    {
        var result = await Tools.RunAsync("bash", [Path("scripts", "setup_monitoring.sh"), "--init-only"], Root);
        Assert.True(result.ExitCode == 0, "setup_monitoring.sh --init-only failed: " + result.Describe());
        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
