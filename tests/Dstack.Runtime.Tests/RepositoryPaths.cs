namespace Dstack.Runtime.Tests;

/// <summary>Finds files of this repository from a test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dstack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dstack.sln not found above " + AppContext.BaseDirectory);
    }
}
