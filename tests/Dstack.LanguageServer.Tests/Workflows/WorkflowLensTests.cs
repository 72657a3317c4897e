using System.Text.Json;
using Dstack.LanguageServer.Tests.Support;
using static Dstack.LanguageServer.Tests.Workflows.WorkflowRepo;

namespace Dstack.LanguageServer.Tests.Workflows;

/// <summary>
/// The Run lenses of a workflows file (one per workflow, on its <c>name:</c>; Run with deps when it has workflow deps)
/// and the command line <c>dstack.run</c> answers for them: <c>dstack run NAME</c> in the repository folder.
/// </summary>
[Trait("Category", "Fast")]
public sealed class WorkflowLensTests : IDisposable
{
    private const string Pipeline = "workflows:\n  - name: prepare\n    commands: [p]\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n      - tag: v1\n  - name: report\n    commands: [r]\n    deps:\n      - tag: v1\n";

    private readonly WorkflowRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task CodeLens_EachWorkflow_RunOnItsNameLine_WithDepsOnlyForWorkflowDeps()
    {
        var uri = _repo.Write("pipeline.yaml", Pipeline);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, Pipeline);

        var lenses = await LensesAsync(client, uri);

        Assert.Equal(["▶ Run prepare", "▶ Run train", "▶ Run with deps", "▶ Run report"], lenses.Select(Title));
        Assert.Equal([(1, 4, 1, 17), (3, 4, 3, 15), (3, 4, 3, 15), (8, 4, 8, 16)], lenses.Select(RangeOf));
        Assert.All(lenses, l => Assert.Equal("dstack.run", l.GetProperty("command").GetProperty("command").GetString()));
        Assert.All(lenses, l => Assert.Equal(uri, l.GetProperty("command").GetProperty("arguments")[0].GetString()));
        Assert.Equal(
            ["{\"workflow\":\"prepare\"}", "{\"workflow\":\"train\"}", "{\"workflow\":\"train\",\"withDeps\":true}", "{\"workflow\":\"report\"}"],
            lenses.Select(l => l.GetProperty("command").GetProperty("arguments")[1].GetRawText()));
    }

    [Fact]
    public async Task CodeLens_ArgumentsSentBack_RunThatWorkflowInTheRepositoryFolder()
    {
        var uri = _repo.Write("pipeline.yaml", Pipeline);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, Pipeline);
        var lenses = await LensesAsync(client, uri);

        var lines = new List<string>();
        foreach (var lens in lenses)
        {
            var command = lens.GetProperty("command");
            var result = await client.ResultAsync("workspace/executeCommand", new { command = command.GetProperty("command").GetString(), arguments = command.GetProperty("arguments") });
            Assert.Equal(_repo.Root, result.GetProperty("cwd").GetString());
            Assert.Equal("dstack", result.GetProperty("command").GetString());
            lines.Add(result.GetProperty("commandLine").GetString()!);
        }

        Assert.Equal(["dstack run --workflow prepare", "dstack run --workflow train", "dstack run --workflow train --with-deps", "dstack run --workflow report"], lines);
    }

    [Fact]
    public async Task RunCommandLine_WorkflowWithArgsAndDetach_ArgsAfterDoubleDash()
    {
        var uri = _repo.Write("pipeline.yaml", Pipeline);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.runCommandLine", arguments = new object[] { uri, new { workflow = "train", withDeps = true, detach = true, args = new[] { "--prompt", "Dogs in hats" } } } });

        Assert.Equal(["run", "--workflow", "train", "--with-deps", "-d", "--", "--prompt", "Dogs in hats"], result.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("dstack run --workflow train --with-deps -d -- --prompt 'Dogs in hats'", result.GetProperty("commandLine").GetString());
    }

    [Fact]
    public async Task RunCommandLine_WorkflowOfAnotherFile_RunsToo_OpenBufferCounts()
    {
        var uri = _repo.Write("pipeline.yaml", Pipeline);
        var other = _repo.Write("other.yml", "workflows:\n  - name: old\n    commands: [o]\n");
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, other, "workflows:\n  - name: evaluate\n    commands: [e]\n");

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.run", arguments = new object[] { uri, new { workflow = "evaluate" } } });

        Assert.Equal("dstack run --workflow evaluate", result.GetProperty("commandLine").GetString());
    }

    [Fact]
    public async Task RunCommandLine_OneWorkflowInTheFile_NoNameNeeded()
    {
        var uri = _repo.Write("one.yaml", "workflows:\n  - name: only\n    commands: [o]\n");
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.run", arguments = new[] { uri } });

        Assert.Equal("dstack run --workflow only", result.GetProperty("commandLine").GetString());
    }

    [Theory]
    [InlineData("{\"workflow\":\"trian\"}", "no workflow named `trian`; did you mean `train`? The workflows are: prepare, train, report")]
    [InlineData("null", "name the workflow to run in the second argument, such as {\"workflow\": \"prepare\"}: it defines prepare, train, report")]
    public async Task RunCommandLine_WorkflowNotFound_InvalidParamsListsTheWorkflows(string options, string problem)
    {
        var uri = _repo.Write("pipeline.yaml", Pipeline);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var error = await client.ErrorAsync("workspace/executeCommand", new { command = "dstack.run", arguments = new[] { JsonSerializer.SerializeToElement(uri), JsonDocument.Parse(options).RootElement } });

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Equal($"invalid params for 'dstack.run': {problem}", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task RunCommandLine_WorkflowOptionOnATask_InvalidParams()
    {
        var task = Path.Combine(_repo.Root, "train.dstack.yml");
        File.WriteAllText(task, "type: task\ncommands: [t]\n");
        var uri = new Uri(task).AbsoluteUri;
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var error = await client.ErrorAsync("workspace/executeCommand", new { command = "dstack.run", arguments = new object[] { uri, new { workflow = "train" } } });

        Assert.Equal($"invalid params for 'dstack.run': `workflow` and `withDeps` are for a .dstack/workflows file; {uri} is a run configuration, which runs as it is", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task CodeLens_NameDefinedTwiceOrMissing_LensOnTheFirstOnly()
    {
        const string Text = "workflows:\n  - name: a\n    commands: [x]\n  - name: a\n    commands: [y]\n  - commands: [z]\n";
        var uri = _repo.Write("dupes.yaml", Text);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, Text);

        var lens = Assert.Single(await LensesAsync(client, uri));

        Assert.Equal((1, 4, 1, 11), RangeOf(lens));
    }

    [Fact]
    public async Task CodeLens_WorkflowsOutsideADstackWorkflowsFolder_NoLenses()
    {
        var uri = new Uri(Path.Combine(_repo.Root, "pipeline.dstack.yml")).AbsoluteUri;
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, Pipeline);

        Assert.Empty(await LensesAsync(client, uri));
    }

    private static async Task<IReadOnlyList<JsonElement>> LensesAsync(TestClient client, string uri) =>
        [.. (await client.ResultAsync("textDocument/codeLens", new { textDocument = new { uri } })).EnumerateArray()];

    private static string Title(JsonElement lens) => lens.GetProperty("command").GetProperty("title").GetString()!;
}
