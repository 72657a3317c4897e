using System.Text.Json;
using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary><c>dstack ps</c> with workflow runs and tags: the WORKFLOW and TAG columns only when they have something to show.</summary>
public sealed class PsPipelinesTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    private readonly PipelineRuns _runs;

    public PsPipelinesTests() => _runs = new PipelineRuns(_sandbox);

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Ps_OnlyTasks_KeepsTheTableAsItWas()
    {
        _runs.AddRun("a-task", null, RunStatus.Done);

        var result = await _sandbox.RunAsync("ps", "-a");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(["RUN", "CONFIGURATION", "BACKEND", "REGION", "STATUS", "SUBMITTED", "EXIT", "REASON"], Header(result.Output));
    }

    [Fact]
    public async Task Ps_WorkflowRunAndTag_AddTheWorkflowAndTagColumns()
    {
        var train = _runs.AddRun("train-1", "train", RunStatus.Done);
        _runs.AddRun("a-task", null, RunStatus.Done);
        _runs.Store.AddTag("best", train.Id, DateTimeOffset.UtcNow);
        _runs.Store.AddTag("v1", train.Id, DateTimeOffset.UtcNow);

        var result = await _sandbox.RunAsync("ps", "-a");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(["RUN", "WORKFLOW", "CONFIGURATION", "BACKEND", "REGION", "STATUS", "TAG", "SUBMITTED", "EXIT", "REASON"], Header(result.Output));
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0];
        var trainLine = lines.Single(l => l.TrimStart().StartsWith("train-1", StringComparison.Ordinal));
        var taskLine = lines.Single(l => l.TrimStart().StartsWith("a-task", StringComparison.Ordinal));
        Assert.Equal("train", Cell(header, trainLine, "WORKFLOW"));
        Assert.Equal("best, v1", Cell(header, trainLine, "TAG"));
        Assert.Equal("-", Cell(header, taskLine, "WORKFLOW"));
        Assert.Equal(string.Empty, Cell(header, taskLine, "TAG"));
    }

    [Fact]
    public async Task Ps_WorkflowRunWithoutTags_HasNoTagColumn()
    {
        _runs.AddRun("train-1", "train", RunStatus.Done);

        var result = await _sandbox.RunAsync("ps", "-a");

        Assert.Equal(["RUN", "WORKFLOW", "CONFIGURATION", "BACKEND", "REGION", "STATUS", "SUBMITTED", "EXIT", "REASON"], Header(result.Output));
    }

    [Fact]
    public async Task PsJson_GivesWorkflowAndTags()
    {
        var train = _runs.AddRun("train-1", "train", RunStatus.Done);
        _runs.AddRun("a-task", null, RunStatus.Done);
        _runs.Store.AddTag("best", train.Id, DateTimeOffset.UtcNow);

        var runs = await _sandbox.RunsAsync();

        var byName = runs.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal("train", byName["train-1"].GetProperty("workflow").GetString());
        Assert.Equal(["best"], byName["train-1"].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(JsonValueKind.Null, byName["a-task"].GetProperty("workflow").ValueKind);
        Assert.Equal(0, byName["a-task"].GetProperty("tags").GetArrayLength());
    }

    private static string[] Header(string output) => output.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The text of a column in a row: from the column's header start to the next column's.</summary>
    private static string Cell(string header, string row, string column)
    {
        var start = header.IndexOf(" " + column + " ", StringComparison.Ordinal) + 1;
        var next = header.IndexOfAny([.. "ABCDEFGHIJKLMNOPQRSTUVWXYZ"], start + column.Length + 1);
        return row[start..Math.Min(row.Length, next)].Trim();
    }
}
