using Dstack.LanguageServer.Tests.Editing;
using Dstack.LanguageServer.Tests.Support;
using static Dstack.LanguageServer.Tests.Workflows.WorkflowRepo;

namespace Dstack.LanguageServer.Tests.Workflows;

/// <summary>
/// Completion in a workflows file's <c>deps</c>: the keys of an item from the model, and as the value of
/// <c>workflow:</c> every workflow of the folder (open buffers over the disk) but the one being written.
/// </summary>
[Trait("Category", "Fast")]
public sealed class WorkflowCompletionTests : IDisposable
{
    private const string Others = "workflows:\n  - name: prepare\n    commands: [p]\n    artifacts:\n      - path: ./data\n  - name: evaluate\n    provider: docker\n    image: python:3.12\n    commands: [e]\n";

    private readonly WorkflowRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task DepsWorkflow_OffersTheOtherWorkflowsOfTheFolder_NotItself()
    {
        _repo.Write("other.yaml", Others);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await AtAsync(client, "train.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: ‸\n  - name: report\n    commands: [r]\n");

        Assert.Equal(["evaluate", "prepare", "report"], result.Labels.Order(StringComparer.Ordinal));
        Assert.Equal("workflow in other.yaml", result.Detail("prepare"));
        Assert.Equal("workflow in train.yaml", result.Detail("report"));
        Assert.Equal("`evaluate` (docker, in `python:3.12`): 1 command; no artifacts", result.Item("evaluate").GetProperty("documentation").GetProperty("value").GetString());
        Assert.Equal("workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n  - name: report\n    commands: [r]\n", result.Accept("prepare"));
    }

    [Theory]
    [InlineData("workflows:\n  - name: report\n    commands: [r]\n  - commands: [t]\n    name: train\n    deps:\n      - tag: v1\n      - workflow: ‸\n", "prepare,report")]
    [InlineData("workflows:\n  - name: report\n    commands: [r]\n  - name: \"train\"\n    deps:\n      - workflow: pre‸\n", "prepare,report")]
    public async Task DepsWorkflow_TheWorkflowAroundTheCursor_IsLeftOut(string marked, string expected)
    {
        _repo.Write("other.yaml", "workflows:\n  - name: prepare\n    commands: [p]\n  - name: train\n    commands: [t2]\n");
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await AtAsync(client, "train.yaml", marked);

        Assert.Equal(expected, string.Join(',', result.Labels.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task DepsWorkflow_AnOpenBufferWinsOverTheDisk()
    {
        var other = _repo.Write("other.yaml", Others);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, other, "workflows:\n  - name: fresh\n    commands: [f]\n");

        var result = await AtAsync(client, "train.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: ‸\n");

        Assert.Equal(["fresh"], result.Labels);
    }

    [Fact]
    public async Task DepsItem_OffersWorkflowAndTagKeys()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await AtAsync(client, "train.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - ‸\n");

        Assert.Equal(["tag", "workflow"], result.Labels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Provider_ValuesCarryTheirDescription()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await AtAsync(client, "train.yaml", "workflows:\n  - name: train\n    provider: ‸\n");

        Assert.Equal(["bash", "docker"], result.Labels);
        Assert.Contains("python", result.Item("bash").GetProperty("documentation").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Contains("Docker engine", result.Item("docker").GetProperty("documentation").GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    private async Task<CompletionResult> AtAsync(TestClient client, string file, string marked)
    {
        var (text, line, character) = YamlCursorTests.Cursor(marked);
        var uri = _repo.Write(file, text);
        await OpenAsync(client, uri, text);
        var list = await client.ResultAsync("textDocument/completion", new { textDocument = new { uri }, position = new { line, character } });
        return new CompletionResult(text, list, line, character);
    }
}
