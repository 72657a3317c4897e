using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.Pipelines;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary><c>dstack prune cache</c> through the real CLI over caches saved with <see cref="WorkflowCache"/> in a private $DSTACK_HOME.</summary>
public sealed class PruneCacheTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    private readonly PipelineRuns _runs;

    public PruneCacheTests() => _runs = new PipelineRuns(_sandbox);

    private string OtherRepo => Path.Combine(_sandbox.Tools, "other-repo");

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Prune_Workflow_DeletesItsCachesOfThisFolderOnly_AndSaysHowMuchCameBack()
    {
        var pip = Save(_sandbox.Project, "train", "~/.cache/pip", 300 * 1024);
        var data = Save(_sandbox.Project, "train", "data", 200 * 1024);
        var other = Save(_sandbox.Project, "prepare", "data", 1000);
        var elsewhere = Save(OtherRepo, "train", "data", 1000);

        var result = await _sandbox.RunAsync("prune", "cache", "train");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal($"Deleted 2 caches of the workflow train in {_sandbox.Project}: 500 KB freed.", result.Output.Trim());
        Assert.False(Directory.Exists(pip.Root));
        Assert.False(Directory.Exists(data.Root));
        Assert.NotNull(other.Current);
        Assert.NotNull(elsewhere.Current);
    }

    [Fact]
    public async Task Prune_Repo_NamesTheFolder()
    {
        Save(_sandbox.Project, "train", "data", 1000);
        var elsewhere = Save(OtherRepo, "train", "data", 2048);

        var result = await _sandbox.RunAsync("prune", "cache", "train", "--repo", OtherRepo + "/");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal($"Deleted 1 cache of the workflow train in {OtherRepo}: 2 KB freed.", result.Output.Trim());
        Assert.False(Directory.Exists(elsewhere.Root));
    }

    [Fact]
    public async Task Prune_All_DeletesEveryCache()
    {
        Save(_sandbox.Project, "train", "data", 1024);
        Save(_sandbox.Project, "prepare", "data", 1024);
        Save(OtherRepo, "train", "data", 1024);

        var result = await _sandbox.RunAsync("prune", "cache", "--all");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("Deleted 3 caches: 3 KB freed.", result.Output.Trim());
        Assert.Empty(WorkflowCache.List(_runs.Home));
    }

    [Fact]
    public async Task Prune_SecondSaveLinkedFiles_CountsThemOnce()
    {
        var cache = Save(_sandbox.Project, "train", "data", 100 * 1024);
        cache.Save(Path.Combine(_sandbox.Tools, "source-train-data"));

        var result = await _sandbox.RunAsync("prune", "cache", "train");

        Assert.True(result.Code == 0, result.ToString());
        Assert.EndsWith(": 100 KB freed.", result.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_MisspeltWorkflow_DeletesNothing_AndSuggests()
    {
        var cache = Save(_sandbox.Project, "train", "data", 1000);
        Save(_sandbox.Project, "prepare", "data", 1000);

        var result = await _sandbox.RunAsync("prune", "cache", "trian");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal($"No cache of the workflow trian in {_sandbox.Project}; the workflows with caches here are: prepare, train; did you mean train?", result.Output.Trim());
        Assert.NotNull(cache.Current);
    }

    [Fact]
    public async Task Prune_NothingHere_SaysOtherFoldersHaveCaches()
    {
        Save(OtherRepo, "train", "data", 1000);

        var result = await _sandbox.RunAsync("prune", "cache", "train");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal($"No cache of the workflow train in {_sandbox.Project}; nothing to delete (other folders have 1: name one with --repo DIR, or delete every cache with --all).", result.Output.Trim());
    }

    [Theory]
    [InlineData(new string[0], "name the WORKFLOW whose caches to delete, or pass --all")]
    [InlineData(new[] { "train", "--all" }, "give WORKFLOW or --all, not both")]
    public async Task Prune_WorkflowAndAllTogetherOrNeither_IsAUsageError(string[] args, string message)
    {
        var result = await _sandbox.RunAsync(["prune", "cache", .. args]);

        Assert.True(result.Code == 2, result.ToString());
        Assert.StartsWith($"dstack: error DSTK3012: {message}", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Saves a cache of <paramref name="bytes"/> bytes in one file for the workflow's path in <paramref name="repo"/>.</summary>
    private WorkflowCache Save(string repo, string workflow, string path, int bytes)
    {
        var source = Path.Combine(_sandbox.Tools, $"source-{workflow}-{path.Replace('/', '_')}");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "blob"), new byte[bytes]);
        var cache = WorkflowCache.For(_runs.Home, repo, workflow, path);
        cache.Save(source);
        return cache;
    }
}
