using System.Diagnostics;
using System.Text.Json;

namespace Dstack.Cli.Tests;

/// <summary>A folder argument yields every *.dstack.yml and *.dstack.yaml below it, skipping what .gitignore ignores.</summary>
public sealed class FolderSearchTests
{
    [Fact]
    public async Task Validate_FolderOutsideGit_FindsBothSuffixesRecursivelyAndHonoursGitignore()
    {
        using var folder = new TempFolder();
        Populate(folder);

        var found = await FoundAsync(folder.Path, folder.Path);

        Assert.Equal(Expected, found);
    }

    [Fact]
    public async Task Validate_FolderInGitRepository_FindsBothSuffixesRecursivelyAndHonoursGitignore()
    {
        using var folder = new TempFolder();
        Git(folder.Path, "init", "-q");
        Populate(folder);

        var found = await FoundAsync(folder.Path, folder.Path);

        Assert.Equal(Expected, found);
    }

    [Fact]
    public async Task Validate_SubfolderOfGitRepository_HonoursTheRepositoryGitignore()
    {
        using var folder = new TempFolder();
        Git(folder.Path, "init", "-q");
        folder.Write(".gitignore", "generated/\n");
        folder.Write("app/a.dstack.yml", Task);
        folder.Write("app/generated/b.dstack.yml", Task);

        var found = await FoundAsync(Path.Combine(folder.Path, "app"), folder.Path);

        Assert.Equal(["app/a.dstack.yml"], found);
    }

    [Fact]
    public async Task Validate_IgnoredFileNamedExplicitly_IsStillChecked()
    {
        using var folder = new TempFolder();
        folder.Write(".gitignore", "*.dstack.yml\n");
        var file = folder.Write("named.dstack.yml", "type: task\n");

        var result = await Cli.RunAsync("validate", file);

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
    }

    [Fact]
    public async Task Validate_FolderWithoutConfigurations_WarnsAndExitsZero()
    {
        using var folder = new TempFolder();
        folder.Write("readme.txt", "nothing here");

        var result = await Cli.RunAsync("validate", folder.Path, "--format", "msbuild");

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        Assert.Contains("warning DSTK0003", result.Output, StringComparison.Ordinal);
    }

    private const string Task = "type: task\ncommands:\n  - echo hi\n";

    private static readonly string[] Expected =
    [
        ".dstack/profiles.yml",
        ".dstack/workflows/pipelines.yaml",
        "a.dstack.yml",
        "nested/deeper/c.dstack.yaml",
        "nested/kept.dstack.yml",
        "nested/negated.dstack.yml",
    ];

    private static void Populate(TempFolder folder)
    {
        folder.Write(".gitignore", "ignored/\n*.skip.dstack.yml\n");
        folder.Write("a.dstack.yml", Task);
        folder.Write("nested/kept.dstack.yml", Task);
        folder.Write("nested/deeper/c.dstack.yaml", Task);
        folder.Write("nested/.gitignore", "local-only.dstack.yml\n*.tmp.dstack.yml\n!negated.dstack.yml\n");
        folder.Write("nested/local-only.dstack.yml", Task);
        folder.Write("nested/negated.dstack.yml", Task);
        folder.Write("nested/x.tmp.dstack.yml", Task);
        folder.Write("ignored/b.dstack.yml", Task);
        folder.Write("ignored/deep/d.dstack.yaml", Task);
        folder.Write("old.skip.dstack.yml", Task);
        folder.Write("notes.yml", "not: a dstack file\n");
        folder.Write("plain.yaml", "type: task\n");
        folder.Write(".dstack/profiles.yml", "profiles:\n  - name: p\n    default: true\n");
        folder.Write(".dstack/workflows/pipelines.yaml", "workflows:\n  - name: w\n    commands:\n      - echo hi\n");
    }

    private static async Task<List<string>> FoundAsync(string path, string relativeTo)
    {
        var result = await Cli.RunAsync("validate", path, "--format", "json");
        Assert.True(result.ExitCode == DstackCommandLine.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        return
        [
            .. json.RootElement.GetProperty("files").EnumerateArray()
                .Select(f => Path.GetRelativePath(relativeTo, f.GetProperty("path").GetString()!).Replace('\\', '/'))
                .Order(StringComparer.Ordinal),
        ];
    }

    private static void Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)} failed: {error}");
    }
}
