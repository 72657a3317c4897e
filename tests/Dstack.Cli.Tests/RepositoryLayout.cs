namespace Dstack.Cli.Tests;

/// <summary>Where the checked-in files are, found from the test assembly by walking up to Dstack.sln.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "examples");

    public static string SchemaFile => Path.Combine(Root, "schema", "dstack.schema.json");

    /// <summary>Every configuration file in examples/, relative to it, with / separators.</summary>
    public static IEnumerable<string> ExampleFiles() =>
        Directory.EnumerateFiles(Examples, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Examples, f).Replace('\\', '/'))
            // msbuild/ is a .NET project: its build output is not an example.
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dstack.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"Dstack.sln not found above {AppContext.BaseDirectory}");
    }
}
