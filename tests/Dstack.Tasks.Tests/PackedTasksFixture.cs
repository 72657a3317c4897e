namespace Dstack.Tasks.Tests;

/// <summary>
/// Packs src/Dstack.Tasks once per test run, as a release would (<c>dotnet pack -c Release</c>), into a temporary
/// feed; the end-to-end tests restore the package from there, each into the same temporary packages folder.
/// Everything (the build's own bin and obj, the feed, the restored packages) lives in one temp folder, deleted at the end.
/// </summary>
public sealed class PackedTasksFixture : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private readonly TempFolder _folder = new();

    /// <summary>The folder holding the fresh Dstack.Tasks.VERSION.nupkg: the test projects' only source of Dstack.Tasks.</summary>
    public string Feed => Path.Combine(_folder.Path, "feed");

    /// <summary>The global packages folder of every test project, so that no Dstack.Tasks restored earlier on this machine is used.</summary>
    public string Packages => Path.Combine(_folder.Path, "packages");

    /// <summary>The package's version, read from the file name the pack wrote.</summary>
    public string Version { get; private set; } = "";

    /// <summary>
    /// This machine's global packages folder, where the restore of this repository put the net8.0 targeting pack
    /// (Dstack.Tasks targets net8.0): a project that targets net8.0 too restores it from there, without a network.
    /// </summary>
    public string MachinePackages { get; private set; } = "";

    /// <summary>The CLI inside the restored package, as the targets run it.</summary>
    public string CliDll => Path.Combine(Packages, "dstack.tasks", Version, "tools", "cli", "dstack.dll");

    public async Task InitializeAsync()
    {
        // --artifacts-path keeps the Release build out of src/*/bin and obj, which other builds of the checkout may be using.
        var pack = await ConsumerBuild.RunDotnetAsync(
            TestPaths.Root,
            ["pack", Path.Combine(TestPaths.Root, "src", "Dstack.Tasks", "Dstack.Tasks.csproj"), "-c", "Release", "-o", Feed,
                "--artifacts-path", Path.Combine(_folder.Path, "artifacts"), "-nologo",
                // This build is the tests' set-up, not a user's build: leave no worker node behind.
                "-nodeReuse:false"],
            new Dictionary<string, string?>(),
            PackTimeout);
        var packages = Directory.Exists(Feed) ? Directory.GetFiles(Feed, "Dstack.Tasks.*.nupkg") : [];
        if (pack.ExitCode != 0 || packages.Length != 1)
        {
            throw new InvalidOperationException($"dotnet pack src/Dstack.Tasks failed (exit {pack.ExitCode}, {packages.Length} packages):\n{pack.Output}");
        }

        Version = Path.GetFileNameWithoutExtension(packages[0])["Dstack.Tasks.".Length..];

        var locals = await ConsumerBuild.RunDotnetAsync(TestPaths.Root, ["nuget", "locals", "global-packages", "--list"], new Dictionary<string, string?>(), TimeSpan.FromMinutes(1));
        const string Prefix = "global-packages: ";
        MachinePackages = locals.Lines.FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal))?[Prefix.Length..].Trim()
            ?? throw new InvalidOperationException($"dotnet nuget locals did not name the global packages folder:\n{locals.Output}");
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
