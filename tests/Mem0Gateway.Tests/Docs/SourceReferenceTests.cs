using System.Text.RegularExpressions;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Docs;

/// <summary>
/// The docs walk a newcomer through the code file by file: a renamed or moved file must not leave them following a
/// path that leads nowhere.
/// </summary>
public sealed partial class SourceReferenceTests
{
    [Fact]
    public void Every_source_file_the_docs_name_exists()
    {
        var pages = Directory.GetFiles(RepositoryPaths.Combine("docs"), "*.md").Append(RepositoryPaths.Combine("README.md"));
        var missing = new List<string>();
        var named = 0;
        foreach (var page in pages)
        {
            foreach (Match reference in SourceFile().Matches(File.ReadAllText(page)))
            {
                named++;
                var path = reference.Groups["path"].Value;
                // Paths are written from the gateway's project folder (Proxy/X.cs) or from the repository root.
                if (!File.Exists(RepositoryPaths.Combine("src", "Mem0Gateway", path)) && !File.Exists(RepositoryPaths.Combine(path)))
                {
                    missing.Add($"{Path.GetFileName(page)}: {path}");
                }
            }
        }

        Assert.True(named > 20, $"only {named} source references found: the pattern no longer matches how the docs name files");
        Assert.True(missing.Count == 0, "docs name files that do not exist:\n" + string.Join("\n", missing));
    }

    [GeneratedRegex(@"`(?<path>[A-Za-z0-9_.]+(?:/[A-Za-z0-9_.]+)+\.cs)`")]
    private static partial Regex SourceFile();
}
