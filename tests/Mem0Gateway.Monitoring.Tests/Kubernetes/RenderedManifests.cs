using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Kubernetes;

/// <summary>
/// deploy/kubernetes rendered once per test run with Debian's kubectl (offline kustomize), and the offline schema
/// validator (npm: kubernetes-models) installed once from its lock file.
/// </summary>
public static class RenderedManifests
{
    private static readonly Lazy<Task<string>> Production = new(() => RenderAsync("overlays/production"));
    private static readonly Lazy<Task<string>> Validator = new(InstallValidatorAsync);

    public static string Deploy(params string[] parts) => Path.Combine([RepoPaths.Root, "deploy", "kubernetes", .. parts]);

    public static Task<string> ProductionAsync() => Production.Value;

    /// <summary>The rendered objects, each as plain YAML objects.</summary>
    public static async Task<List<Dictionary<string, object?>>> ProductionObjectsAsync()
        => Yaml.LoadAll(await ProductionAsync());

    public static async Task<string> RenderAsync(string kustomization)
    {
        var result = await Tools.RunAsync("kubectl", ["kustomize", Deploy(kustomization)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {kustomization} failed:\n{result.Describe()}");
        return result.Stdout;
    }

    /// <summary>Runs the validator on <paramref name="yaml"/>; returns its exit code and per-object report.</summary>
    public static async Task<ProcessResult> ValidateAsync(string yaml)
    {
        var script = await Validator.Value;
        var file = Path.Combine(Directory.CreateTempSubdirectory("mem0gw-k8s-").FullName, "rendered.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            return await Tools.RunAsync("node", [script, file], workingDirectory: Deploy("validate"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    private static async Task<string> InstallValidatorAsync()
    {
        var install = await Tools.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], workingDirectory: Deploy("validate"),
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, $"npm ci in deploy/kubernetes/validate failed:\n{install.Describe()}");
        return Deploy("validate", "validate.mjs");
    }
}
