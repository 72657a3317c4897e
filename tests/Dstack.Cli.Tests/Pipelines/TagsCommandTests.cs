using System.Text.Json;
using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary><c>dstack tags add | list | delete</c> and the TAG column of <c>dstack ps</c>, through the real CLI.</summary>
public sealed class TagsCommandTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    private readonly PipelineRuns _runs;

    public TagsCommandTests() => _runs = new PipelineRuns(_sandbox);

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Tags_AddListDelete_Lifecycle()
    {
        var run = _runs.AddRun("train-1", "train", RunStatus.Done, "output");
        _runs.SaveArtifact(run, "output", "output", new Dictionary<string, string> { ["model.bin"] = new('m', 2048) });

        var added = await _sandbox.RunAsync("tags", "add", "mnist-v1", "train-1");
        var list = await _sandbox.RunAsync("tags", "list");
        var json = await _sandbox.RunAsync("tags", "list", "--json");
        var deleted = await _sandbox.RunAsync("tags", "delete", "mnist-v1");
        var empty = await _sandbox.RunAsync("tags", "list");

        Assert.True(added.Code == 0, added.ToString());
        Assert.Equal("Tagged train-1 as mnist-v1 (1 artifact, 2 KB).", added.Output.Trim());
        Assert.Equal(string.Empty, added.Error);
        Assert.True(list.Code == 0, list.ToString());
        var rows = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["TAG", "RUN", "WORKFLOW", "CREATED", "ARTIFACTS"], rows[0]);
        Assert.Equal("mnist-v1 train-1 train", string.Join(' ', rows[1][..3]));
        Assert.Equal(["2", "KB"], rows[1][^2..]);
        var tag = JsonDocument.Parse(json.Output).RootElement.GetProperty("tags")[0];
        Assert.Equal(("mnist-v1", "train-1", "train", "done"), (tag.GetProperty("name").GetString(), tag.GetProperty("run").GetString(), tag.GetProperty("workflow").GetString(), tag.GetProperty("status").GetString()));
        Assert.Equal(2048, tag.GetProperty("artifacts").GetProperty("size").GetInt64());
        Assert.True(deleted.Code == 0, deleted.ToString());
        Assert.Equal("Deleted the tag mnist-v1 (it named the run train-1; the run and its artifacts stay).", deleted.Output.Trim());
        Assert.Equal("No tags; tag a finished run with dstack tags add TAG RUN.", empty.Output.Trim());
        Assert.Single(_runs.Store.ListArtifacts(run.Id));
    }

    [Fact]
    public async Task Add_RunningRun_IsRefused_SayingToWaitOrStop()
    {
        _runs.AddRun("train-2", "train", RunStatus.Running, "output");

        var result = await _sandbox.RunAsync("tags", "add", "v2", "train-2");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("dstack: error DSTK3045: the run train-2 is still running;", result.Error, StringComparison.Ordinal);
        Assert.Contains("wait until it ends (dstack logs -f train-2 follows it), or stop it with dstack stop train-2", result.Error, StringComparison.Ordinal);
        Assert.Empty(_runs.Store.ListTags());
    }

    [Fact]
    public async Task Add_FailedRun_IsTaggedWithAWarningAboutPartialArtifacts()
    {
        _runs.AddRun("broken", "train", RunStatus.Failed, "output");

        var result = await _sandbox.RunAsync("tags", "add", "maybe", "broken");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("dstack: warning: broken ended failed, not done: its artifacts were saved as it ended and may be partial", result.Error.Trim());
        Assert.Equal("broken", _runs.Store.FindTag("maybe")?.RunName);
    }

    [Fact]
    public async Task Add_ExistingTag_IsRefusedNamingItsRunAndTheFix()
    {
        _runs.AddRun("first", "train", RunStatus.Done);
        _runs.AddRun("second", "train", RunStatus.Done);
        Assert.Equal(0, (await _sandbox.RunAsync("tags", "add", "best", "first")).Code);

        var result = await _sandbox.RunAsync("tags", "add", "best", "second");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal("dstack: error DSTK3043: the tag best already names the run first; delete it first with dstack tags delete best, or choose another tag name", result.Error.Trim());
        Assert.Equal("first", _runs.Store.FindTag("best")?.RunName);
    }

    [Fact]
    public async Task Add_InvalidTagName_IsAUsageErrorWithASuggestion()
    {
        _runs.AddRun("first", "train", RunStatus.Done);

        var result = await _sandbox.RunAsync("tags", "add", "my best", "first");

        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("dstack: error DSTK3012: `my best` is not a valid tag name", result.Error, StringComparison.Ordinal);
        Assert.Contains("try `my-best`", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_UnknownRun_IsDstk3008()
    {
        _runs.AddRun("train-1", "train", RunStatus.Done);

        var result = await _sandbox.RunAsync("tags", "add", "v1", "train-2");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal("dstack: error DSTK3008: no run named train-2; did you mean train-1?", result.Error.Trim());
    }

    [Fact]
    public async Task Delete_UnknownTag_IsDstk3044WithDidYouMean()
    {
        var run = _runs.AddRun("train-1", "train", RunStatus.Done);
        _runs.Store.AddTag("mnist-v1", run.Id, DateTimeOffset.UtcNow);

        var result = await _sandbox.RunAsync("tags", "delete", "mnist-v2");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal("dstack: error DSTK3044: no tag named mnist-v2; did you mean mnist-v1?", result.Error.Trim());
        Assert.NotNull(_runs.Store.FindTag("mnist-v1"));
    }

    [Theory]
    [InlineData("tags", "list")]
    [InlineData("tags", "add", "v1", "train-1")]
    [InlineData("tags", "delete", "v1")]
    [InlineData("artifacts", "list", "train-1")]
    [InlineData("artifacts", "download", "train-1")]
    public async Task Commands_DamagedStateDatabase_AreDstk3014NotACrash(params string[] args)
    {
        File.WriteAllText(Path.Combine(_sandbox.Home, "state.db"), new string('x', 4096));

        var result = await _sandbox.RunAsync(args);

        Assert.True(result.Code == 1, result.ToString());
        Assert.StartsWith("dstack: error DSTK3014:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaggedRun_CannotBeReplacedByANewRunOfItsName()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: train-1\ncommands:\n  - echo replaced\n");
        _runs.AddRun("train-1", "train", RunStatus.Done);
        Assert.Equal(0, (await _sandbox.RunAsync("tags", "add", "keep", "train-1")).Code);

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("tagged keep", result.Error, StringComparison.Ordinal);
        Assert.Contains("dstack tags delete keep", result.Error, StringComparison.Ordinal);
        Assert.Equal("train", JsonDocument.Parse(_runs.Store.FindRun("train-1")!.Spec).RootElement.GetProperty("workflow").GetString());
    }
}
