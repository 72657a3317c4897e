using System.Text.Json;

namespace Dstack.Cli.Tests;

/// <summary><c>dstack validate</c> on workflows files: unknown deps and cycles, checked against the whole <c>.dstack/workflows</c> folder.</summary>
[Trait("Category", "Fast")]
public sealed class ValidateWorkflowsTests
{
    private const string Pipeline = "workflows:\n  - name: prepare\n    commands: [p]\n    deps:\n      - workflow: train\n  - name: report\n    commands: [r]\n    deps:\n      - workflow: evalute\n";
    private const string Other = "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n  - name: evaluate\n    commands: [e]\n";

    [Fact]
    public async Task Validate_Folder_MsbuildLinesWithFileLineAndColumn_EachProblemOnce()
    {
        using var folder = new TempFolder();
        var a = folder.Write(".dstack/workflows/a.yaml", Pipeline);
        folder.Write(".dstack/workflows/b.yaml", Other);

        var result = await Cli.RunAsync("validate", folder.Path, a, Path.Combine(folder.Path, ".dstack"), "--format", "msbuild");

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
        Assert.Equal(
            [
                $"{a}(9,19): error DSTK2091: workflow `report`: deps: no workflow named `evalute` in {Path.Combine(".dstack", "workflows")}; did you mean `evaluate`?",
                $"{a}(5,19): error DSTK2092: workflow `prepare`: deps form a cycle: prepare → train → prepare; a workflow cannot need its own artifacts: remove one of these deps",
            ],
            result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Validate_WorkflowsFileNamed_JsonKeepsTheContract_AndTheFileIsInvalid()
    {
        using var folder = new TempFolder();
        var a = folder.Write(".dstack/workflows/a.yaml", Pipeline);
        folder.Write(".dstack/workflows/b.yaml", Other);

        var result = await Cli.RunAsync("validate", a, "--format", "json");

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var entry = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal(["path", "valid", "diagnostics", "configuration"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(a, entry.GetProperty("path").GetString());
        Assert.False(entry.GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("configuration").ValueKind);
        var diagnostics = entry.GetProperty("diagnostics").EnumerateArray().ToList();
        Assert.Equal(["DSTK2091", "DSTK2092"], diagnostics.Select(d => d.GetProperty("code").GetString()));
        Assert.All(diagnostics, d => Assert.Equal(a, d.GetProperty("path").GetString()));
        Assert.Equal((9, 19, 9, 26), (diagnostics[0].GetProperty("line").GetInt32(), diagnostics[0].GetProperty("column").GetInt32(), diagnostics[0].GetProperty("endLine").GetInt32(), diagnostics[0].GetProperty("endColumn").GetInt32()));
    }

    [Fact]
    public async Task Validate_Text_ShowsTheProblemWithItsLocation()
    {
        using var folder = new TempFolder();
        var a = folder.Write(".dstack/workflows/a.yml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n");

        var result = await Cli.RunAsync("validate", folder.Path, "--no-color");

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
        Assert.Contains($"{a}(5,19): error DSTK2091: workflow `train`: deps: no workflow named `prepare`", result.Output, StringComparison.Ordinal);
        Assert.Contains("the workflows are: train", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DepsThatResolve_ExitZero()
    {
        using var folder = new TempFolder();
        folder.Write(".dstack/workflows/a.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n      - tag: v1\n");
        folder.Write(".dstack/workflows/b.yaml", "workflows:\n  - name: prepare\n    commands: [p]\n");

        var result = await Cli.RunAsync("validate", folder.Path, "--format", "msbuild");

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
    }
}
