using Dstack.LanguageServer.Commands;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Commands;

/// <summary>The folder a file runs from and the command line that runs it.</summary>
[Trait("Category", "Fast")]
public sealed class RunCommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-lsp-folder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void RunFolder_GitFolderAbove_IsTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".git"));
        var file = Create("a/b/train.dstack.yml");

        Assert.Equal(_root, RunFolder.Of(file, NoHome));
    }

    [Fact]
    public void RunFolder_WorktreeGitFile_IsTheRoot()
    {
        File.WriteAllText(Path.Combine(_root, ".git"), "gitdir: /elsewhere\n");
        var file = Create("jobs/train.dstack.yml");

        Assert.Equal(_root, RunFolder.Of(file, NoHome));
    }

    [Fact]
    public void RunFolder_DstackFolderNearerThanGit_WinsAsTheNearest()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".git"));
        Directory.CreateDirectory(Path.Combine(_root, "project", ".dstack"));
        var file = Create("project/jobs/train.dstack.yml");

        Assert.Equal(Path.Combine(_root, "project"), RunFolder.Of(file, NoHome));
    }

    [Fact]
    public void RunFolder_OnlyTheStateFolderAbove_IsTheFilesFolder()
    {
        var home = Path.Combine(_root, ".dstack");
        Directory.CreateDirectory(home);
        var file = Create("notes/train.dstack.yml");

        Assert.Equal(Path.Combine(_root, "notes"), RunFolder.Of(file, home));
        Assert.Equal(_root, RunFolder.Of(file, NoHome));
    }

    [Fact]
    public void For_DetachAndArgs_InOrderAndQuoted()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".git"));
        var file = Create("train.dstack.yml");

        var line = RunCommandLine.For(file, new RunCommandLineOptions(["-d", "it's"], Detach: true, Options: ["-y", "--env", "MSG=it's"]), NoHome);

        // The run's own `-d` comes after `--`: it is an argument of the job, not dstack's detach.
        Assert.Equal(["run", ".", "-f", "train.dstack.yml", "-d", "-y", "--env", "MSG=it's", "--", "-d", "it's"], line.Args);
        Assert.Equal(@"dstack run . -f train.dstack.yml -d -y --env 'MSG=it'\''s' -- -d 'it'\''s'", line.CommandLine);
        Assert.Equal(_root, line.Cwd);
    }

    /// <summary>A state folder that exists nowhere, so only the test's own folders count.</summary>
    private string NoHome => Path.Combine(_root, "no-such-home");

    private string Create(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "type: task\ncommands: [a]\n");
        return path;
    }
}
