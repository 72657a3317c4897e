using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary><c>dstack artifacts download</c> through the real CLI: byte-identical copies, links, modes, refusals and the hash check.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactsDownloadTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    private readonly PipelineRuns _runs;

    private readonly byte[] _model = System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000);

    public ArtifactsDownloadTests() => _runs = new PipelineRuns(_sandbox);

    private string Into => Path.Combine(_sandbox.Tools, "into");

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Download_Everything_IsByteIdentical_WithLinksModesAndRelativePaths_AndChecked()
    {
        var run = SavedRun();

        var result = await _sandbox.RunAsync("artifacts", "download", "train-1", "-o", Into);

        Assert.True(result.Code == 0, result.ToString());
        AssertSameTree(_runs.SavedFolder(run, "output"), Path.Combine(Into, "output"));
        AssertSameTree(_runs.SavedFolder(run, "_home/.cache/x"), Path.Combine(Into, "_home/.cache/x"));
        Assert.Equal("model.bin", new FileInfo(Path.Combine(Into, "output", "latest")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UserWrite | UserExecute | GroupRead | GroupExecute, File.GetUnixFileMode(Path.Combine(Into, "output", "run.sh")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(Into, "output", "logs", "a.txt")));
        Assert.Contains($"Downloaded output (4 files, 293 KB) to {Path.Combine(Into, "output")}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Checked output: the copy matches the hash recorded when train-1 saved it", result.Output, StringComparison.Ordinal);
        Assert.Contains("Checked ~/.cache/x: the copy matches", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Into, ".*dstack-*", SearchOption.AllDirectories));
    }

    private const UnixFileMode UserWrite = UnixFileMode.UserWrite;
    private const UnixFileMode UserExecute = UnixFileMode.UserExecute;
    private const UnixFileMode GroupRead = UnixFileMode.GroupRead;
    private const UnixFileMode GroupExecute = UnixFileMode.GroupExecute;

    [Fact]
    public async Task Download_OneArtifact_ByItsPathInAnyForm_DefaultsToTheCurrentFolder()
    {
        SavedRun();
        var current = Path.Combine(_sandbox.Project, "sub");
        Directory.CreateDirectory(current);

        var process = _sandbox.StartProgram("/bin/sh", "-c", $"cd sub && exec '{DstackSandbox.Apphost}' artifacts download train-1 ./output/");
        var result = await process.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(_model, File.ReadAllBytes(Path.Combine(current, "output", "model.bin")));
        Assert.False(Directory.Exists(Path.Combine(current, "_home")));
    }

    [Fact]
    public async Task Download_FileInsideAnArtifact_CopiesOnlyIt_AndSaysTheHashCoversTheWhole()
    {
        SavedRun();

        var result = await _sandbox.RunAsync("artifacts", "download", "train-1", "output/model.bin", "-o", Into);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(_model, File.ReadAllBytes(Path.Combine(Into, "output", "model.bin")));
        Assert.Equal(["model.bin"], Directory.EnumerateFileSystemEntries(Path.Combine(Into, "output")).Select(Path.GetFileName));
        Assert.Contains("so the part is not checked", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Checked", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("outptu", "`outptu` is not an artifact of train-1; its artifacts are: output, ~/.cache/x; did you mean output?")]
    [InlineData("output/modle.bin", "`output/modle.bin`: the artifact output of train-1 has no such file or folder; did you mean output/model.bin?")]
    [InlineData("../etc", "`../etc` climbs out with `..`; name a folder inside the working copy, under ~, or an absolute one; the artifacts of train-1 are: output, ~/.cache/x")]
    public async Task Download_UnknownPath_ListsTheArtifactsWithDidYouMean(string path, string message)
    {
        SavedRun();

        var result = await _sandbox.RunAsync("artifacts", "download", "train-1", path, "-o", Into);

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal($"dstack: error DSTK3040: {message}", result.Error.Trim());
        Assert.False(Directory.Exists(Into));
    }

    [Fact]
    public async Task Download_OverDifferentFiles_IsRefusedWithoutForce_WritingNothing_AndForceOverwrites()
    {
        var run = SavedRun();
        Directory.CreateDirectory(Path.Combine(Into, "output"));
        File.WriteAllText(Path.Combine(Into, "output", "model.bin"), "mine");

        var refused = await _sandbox.RunAsync("artifacts", "download", "train-1", "-o", Into);

        Assert.True(refused.Code == 1, refused.ToString());
        Assert.Contains($"dstack: error DSTK3042: 1 existing file would be overwritten: {Path.Combine(Into, "output", "model.bin")} (a different file); nothing was downloaded. Pass --force", refused.Error, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Into, "output", "model.bin")));
        Assert.Equal(["model.bin"], Directory.EnumerateFileSystemEntries(Path.Combine(Into, "output")).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(Into, "_home")));

        var forced = await _sandbox.RunAsync("artifacts", "download", "train-1", "-o", Into, "--force");

        Assert.True(forced.Code == 0, forced.ToString());
        AssertSameTree(_runs.SavedFolder(run, "output"), Path.Combine(Into, "output"));
        Assert.Contains("Checked output: the copy matches", forced.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_Again_LeavesIdenticalFiles_AndChecksTheSavedCopyWhenTheFolderHeldOtherFiles()
    {
        SavedRun();
        Assert.Equal(0, (await _sandbox.RunAsync("artifacts", "download", "train-1", "-o", Into)).Code);
        File.WriteAllText(Path.Combine(Into, "output", "notes.txt"), "my own file");

        var again = await _sandbox.RunAsync("artifacts", "download", "train-1", "-o", Into);

        Assert.True(again.Code == 0, again.ToString());
        Assert.Contains("6 of the files were there already, identical, and were left as they are; 0 written.", again.Output, StringComparison.Ordinal);
        Assert.Contains("Checked output: the saved copy (the folder holds other files too) matches", again.Output, StringComparison.Ordinal);
        Assert.Equal("my own file", File.ReadAllText(Path.Combine(Into, "output", "notes.txt")));
    }

    [Fact]
    public async Task Download_SavedCopyChangedOnDisk_IsDstk3041NamingTheArtifact()
    {
        var run = SavedRun();
        File.AppendAllText(Path.Combine(_runs.SavedFolder(run, "output"), "logs", "a.txt"), "tampered");

        var result = await _sandbox.RunAsync("artifacts", "download", "train-1", "output", "-o", Into);

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("dstack: error DSTK3041: the artifact output of train-1 is not what the run saved: it recorded 4 files, 293 KB", result.Error, StringComparison.Ordinal);
        Assert.Contains($"the saved copy under {_runs.SavedFolder(run, "output")} changed on disk after the run saved it", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Checked output", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_SavedFilesGone_IsDstk3041_AndNothingIsWritten()
    {
        var run = SavedRun();
        Directory.Delete(_runs.SavedFolder(run, "_home/.cache/x"), recursive: true);

        var result = await _sandbox.RunAsync("artifacts", "download", "train-1", "-o", Into);

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains($"dstack: error DSTK3041: the saved files of the artifact ~/.cache/x of train-1 are gone: {_runs.SavedFolder(run, "_home/.cache/x")} no longer exists", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Into));
    }

    [Fact]
    public async Task Download_RunWithoutArtifacts_IsDstk3040SayingWhy()
    {
        _runs.AddRun("train-2", "train", RunStatus.Running, "output");

        var result = await _sandbox.RunAsync("artifacts", "download", "train-2", "-o", Into);

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal("dstack: error DSTK3040: the run train-2 has no saved artifacts (dstack artifacts list train-2 says why): it is still running: artifacts are saved when it ends (dstack logs -f train-2 follows it)", result.Error.Trim());
    }

    [Fact]
    public async Task Download_LargeOnATerminal_ShowsProgress_AndNotWhenRedirected()
    {
        var run = _runs.AddRun("big", "train", RunStatus.Done, "data");
        _runs.SaveArtifact(run, "data", "data", new Dictionary<string, string>(), saved =>
        {
            using var file = File.Create(Path.Combine(saved, "blob.bin"));
            file.SetLength(80L * 1024 * 1024);
        });

        var terminal = await PseudoTerminal.Start(_sandbox, [], "artifacts", "download", "big", "-o", Into).WaitAsync(TimeSpan.FromSeconds(90));
        var redirected = await _sandbox.RunAsync("artifacts", "download", "big", "-o", Path.Combine(_sandbox.Tools, "again"));

        Assert.True(terminal.Code == 0, terminal.ToString());
        Assert.Contains("dstack: downloading: 80 MB of 80 MB (100%)", terminal.Output, StringComparison.Ordinal);
        Assert.True(redirected.Code == 0, redirected.ToString());
        Assert.DoesNotContain("downloading", redirected.Error + redirected.Output, StringComparison.Ordinal);
        Assert.Equal(80L * 1024 * 1024, new FileInfo(Path.Combine(Into, "data", "blob.bin")).Length);
    }

    /// <summary>
    /// train-1, done: output (model.bin of random bytes, run.sh 0750, logs/a.txt read-only, a link latest → model.bin, an
    /// empty folder) and ~/.cache/x in the folder _home/.cache/x.
    /// </summary>
    private RunRecord SavedRun()
    {
        var run = _runs.AddRun("train-1", "train", RunStatus.Done, "output", "~/.cache/x");
        _runs.SaveArtifact(run, "output", "output", new Dictionary<string, string> { ["run.sh"] = "#!/bin/sh\necho hi\n", ["logs/a.txt"] = "hello" }, saved =>
        {
            File.WriteAllBytes(Path.Combine(saved, "model.bin"), _model);
            File.CreateSymbolicLink(Path.Combine(saved, "latest"), "model.bin");
            Directory.CreateDirectory(Path.Combine(saved, "empty"));
            File.SetUnixFileMode(Path.Combine(saved, "run.sh"), UnixFileMode.UserRead | UserWrite | UserExecute | GroupRead | GroupExecute);
            File.SetUnixFileMode(Path.Combine(saved, "logs", "a.txt"), UnixFileMode.UserRead);
        });
        _runs.SaveArtifact(run, "~/.cache/x", "_home/.cache/x", new Dictionary<string, string> { ["pip.txt"] = "pip", ["wheels/a.whl"] = "wheel" });
        return run;
    }

    /// <summary>The same entries (files, links, folders) with the same bytes, link targets and modes.</summary>
    private static void AssertSameTree(string expected, string actual)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        var names = Directory.EnumerateFileSystemEntries(expected, "*", options).Select(e => Path.GetRelativePath(expected, e)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, Directory.EnumerateFileSystemEntries(actual, "*", options).Select(e => Path.GetRelativePath(actual, e)).Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            var (from, to) = (Path.Combine(expected, name), Path.Combine(actual, name));
            Assert.Equal(new FileInfo(from).LinkTarget, new FileInfo(to).LinkTarget);
            Assert.Equal(File.GetUnixFileMode(from), File.GetUnixFileMode(to));
            if (File.Exists(from) && new FileInfo(from).LinkTarget is null)
            {
                Assert.Equal(File.ReadAllBytes(from), File.ReadAllBytes(to));
            }
        }
    }
}
