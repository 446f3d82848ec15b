namespace Mem0Gateway.Testing;

/// <summary>Finds files of the repository the tests were built from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string YarpJson => Path.Combine(Root, "yarp.json");

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mem0Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Mem0Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
