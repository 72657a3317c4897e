using System.Text.Json;
using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary><c>dstack artifacts list</c> through the real CLI over runs and artifacts written into a private $DSTACK_HOME.</summary>
public sealed class ArtifactsListTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    private readonly PipelineRuns _runs;

    public ArtifactsListTests() => _runs = new PipelineRuns(_sandbox);

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task List_RunWithArtifacts_ShowsPathFilesAndSize_AndATotal()
    {
        var run = SavedRun();

        var result = await _sandbox.RunAsync("artifacts", "list", "train-1");

        Assert.True(result.Code == 0, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal(["PATH", "FILES", "SIZE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["output", "3", "2.5", "KB"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["~/.cache/x", "1", "3", "B"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"Total: 2 artifacts, 4 files, 2.5 KB (in {_runs.Home.ArtifactsFolder(run.Name)}).", lines[3]);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task List_Files_ListsEachFileAndLinkUnderItsPath()
    {
        SavedRun();

        var result = await _sandbox.RunAsync("artifacts", "list", "train-1", "-v");

        Assert.True(result.Code == 0, result.ToString());
        var rows = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["PATH", "FILE", "SIZE"], rows[0]);
        Assert.Equal(["output", "latest", "->", "model.bin"], rows[1]);
        Assert.Equal(["logs/a.txt", "5", "B"], rows[2]);
        Assert.Equal(["model.bin", "2.5", "KB"], rows[3]);
        Assert.Equal(["~/.cache/x", "pip.txt", "3", "B"], rows[4]);
    }

    [Fact]
    public async Task List_Json_GivesEachArtifactWithItsHashAndFolder()
    {
        var run = SavedRun();
        var recorded = _runs.Store.ListArtifacts(run.Id);

        var result = await _sandbox.RunAsync("artifacts", "list", "train-1", "--json", "--files");

        Assert.True(result.Code == 0, result.ToString());
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(("train-1", "done", 4, 2563), (root.GetProperty("run").GetString(), root.GetProperty("status").GetString(), root.GetProperty("files").GetInt32(), root.GetProperty("size").GetInt32()));
        var cache = root.GetProperty("artifacts")[1];
        Assert.Equal("~/.cache/x", cache.GetProperty("path").GetString());
        Assert.Equal("_home/.cache/x", cache.GetProperty("folder").GetString());
        Assert.Equal(_runs.SavedFolder(run, "_home/.cache/x"), cache.GetProperty("local_path").GetString());
        Assert.Equal(recorded[1].Sha256, cache.GetProperty("sha256").GetString());
        Assert.Equal("pip.txt", cache.GetProperty("entries")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task List_UnknownRun_IsDstk3008WithDidYouMean()
    {
        SavedRun();

        var result = await _sandbox.RunAsync("artifacts", "list", "trian-1");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal("dstack: error DSTK3008: no run named trian-1; did you mean train-1?", result.Error.Trim());
    }

    [Fact]
    public async Task List_RunningRun_SaysArtifactsAreSavedWhenItEnds()
    {
        _runs.AddRun("train-2", "train", RunStatus.Running, "output");

        var result = await _sandbox.RunAsync("artifacts", "list", "train-2");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("The run train-2 has no saved artifacts: it is still running: artifacts are saved when it ends (dstack logs -f train-2 follows it).", result.Output.Trim());
    }

    [Fact]
    public async Task List_FinishedRunsWithoutArtifacts_SayWhy()
    {
        _runs.AddRun("a-task", null, RunStatus.Done);
        _runs.AddRun("no-paths", "prepare", RunStatus.Done);
        _runs.AddRun("nothing-saved", "train", RunStatus.Failed, "output");

        var task = await _sandbox.RunAsync("artifacts", "list", "a-task");
        var none = await _sandbox.RunAsync("artifacts", "list", "no-paths");
        var failed = await _sandbox.RunAsync("artifacts", "list", "nothing-saved");

        Assert.True(task.Code == 0 && none.Code == 0 && failed.Code == 0, $"{task}\n{none}\n{failed}");
        Assert.Contains("it is not a workflow run", task.Output, StringComparison.Ordinal);
        Assert.Contains("its workflow prepare lists no artifacts", none.Output, StringComparison.Ordinal);
        Assert.Contains("it ended failed and none of its artifact paths (output) could be saved; dstack logs nothing-saved says why", failed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SavedFilesDeleted_WarnsNamingTheFolder()
    {
        var run = SavedRun();
        Directory.Delete(_runs.SavedFolder(run, "output"), recursive: true);

        var result = await _sandbox.RunAsync("artifacts", "list", "train-1");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"dstack: warning: the saved files of output are gone: {_runs.SavedFolder(run, "output")} no longer exists", result.Error, StringComparison.Ordinal);
    }

    /// <summary>train-1, done: output (model.bin of 2,555 bytes, logs/a.txt, a link latest → model.bin) and ~/.cache/x (pip.txt).</summary>
    private RunRecord SavedRun()
    {
        var run = _runs.AddRun("train-1", "train", RunStatus.Done, "output", "~/.cache/x");
        _runs.SaveArtifact(run, "output", "output", new Dictionary<string, string> { ["model.bin"] = new('m', 2555), ["logs/a.txt"] = "hello" }, saved => File.CreateSymbolicLink(Path.Combine(saved, "latest"), "model.bin"));
        _runs.SaveArtifact(run, "~/.cache/x", "_home/.cache/x", new Dictionary<string, string> { ["pip.txt"] = "pip" });
        return run;
    }
}
