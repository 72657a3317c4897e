namespace Dstack.LanguageServer.Tests.Support;

/// <summary>The working copy these tests were built from, found by walking up from the test binaries to Dstack.sln.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dstack.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Dstack.sln above {AppContext.BaseDirectory}: the tests must run from a build inside the working copy");
    }
}
