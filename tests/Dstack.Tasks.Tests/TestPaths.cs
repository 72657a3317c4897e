namespace Dstack.Tasks.Tests;

/// <summary>Where the fresh builds and the checked-in targets are, found from this test assembly.</summary>
public static class TestPaths
{
    /// <summary>The repository root: the first folder above the test output that holds Dstack.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The CLI built with this test project (a project reference copies it here).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "dstack.dll");

    /// <summary>The task assembly built with this test project.</summary>
    public static string TasksAssembly => Path.Combine(AppContext.BaseDirectory, "Dstack.Tasks.dll");

    public static string BuildFolder => Path.Combine(Root, "src", "Dstack.Tasks", "build");

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
