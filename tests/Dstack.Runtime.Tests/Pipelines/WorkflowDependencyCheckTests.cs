using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Validation;

namespace Dstack.Runtime.Tests.Pipelines;

/// <summary>
/// <see cref="WorkflowDependencyCheck"/> (what <c>dstack validate</c> adds for workflows files), <see cref="WorkflowsFolder"/>
/// and the provider descriptions that hover reads.
/// </summary>
[Trait("Category", "Fast")]
public sealed class WorkflowDependencyCheckTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wfdeps-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("/repo/.dstack/workflows/a.yaml", "/repo")]
    [InlineData("/repo/.dstack/workflows/a.yml", "/repo")]
    [InlineData("/work/my repo/.dstack/workflows/x.y.yaml", "/work/my repo")]
    [InlineData("/repo/.dstack/workflows/nested/a.yaml", null)]
    [InlineData("/repo/.dstack/profiles.yml", null)]
    [InlineData("/repo/workflows/a.yaml", null)]
    [InlineData("/repo/.dstack/workflows/a.json", null)]
    [InlineData("", null)]
    [InlineData("/repo/.dstack/workflows/a\0b.yaml", null)]
    public void RepoRootOf_OnlyAFileDirectlyInDstackWorkflows_HasOne(string path, string? expected)
    {
        Assert.Equal(expected, WorkflowsFolder.RepoRootOf(path));
    }

    [Fact]
    public void Apply_UnknownDepAndCycle_EachOnTheFileThatMakesIt_NamedAsThatFile()
    {
        var a = Write(".dstack/workflows/a.yaml", "workflows:\n  - name: prepare\n    commands: [p]\n    deps:\n      - workflow: train\n  - name: report\n    commands: [r]\n    deps:\n      - workflow: evalute\n");
        var b = Write(".dstack/workflows/b.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n  - name: evaluate\n    commands: [e]\n");

        var report = ValidationReport.Run([_root], _root);

        var first = report.Documents.Single(d => d.Path == Path.Combine(".dstack", "workflows", "a.yaml"));
        var second = report.Documents.Single(d => d.Path == Path.Combine(".dstack", "workflows", "b.yaml"));
        Assert.Equal(
            [
                $"{first.Path}(9,19): error DSTK2091: workflow `report`: deps: no workflow named `evalute` in {Path.Combine(".dstack", "workflows")}; did you mean `evaluate`?",
                $"{first.Path}(5,19): error DSTK2092: workflow `prepare`: deps form a cycle: prepare → train → prepare; a workflow cannot need its own artifacts: remove one of these deps",
            ],
            first.Diagnostics.Select(d => d.ToString()));
        Assert.Empty(second.Diagnostics);
        Assert.False(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("evaluate", first.Diagnostics[0].Suggestion?.Text);
        Assert.True(File.Exists(a) && File.Exists(b));
    }

    [Fact]
    public void Apply_OneFileNamed_ChecksItAgainstTheWholeFolder_AndReportsOnlyIt()
    {
        var a = Write(".dstack/workflows/a.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n");
        Write(".dstack/workflows/b.yml", "workflows:\n  - name: prepare\n    commands: [p]\n    deps:\n      - workflow: missing\n");

        var report = ValidationReport.Run([a], _root);

        var document = Assert.Single(report.Documents);
        Assert.Empty(document.Diagnostics);
    }

    [Fact]
    public void Apply_FolderAndFileNamedTogether_EachProblemOnce()
    {
        var a = Write(".dstack/workflows/a.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepar\n  - name: prepare\n    commands: [p]\n");

        var report = ValidationReport.Run([_root, a, Path.Combine(_root, ".dstack")], _root);

        Assert.Equal([DiagnosticCodes.UnknownWorkflow], report.AllDiagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Apply_SelfDependency_OnlyTheFileRuleReportsIt()
    {
        Write(".dstack/workflows/a.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: train\n");

        var report = ValidationReport.Run([_root], _root);

        Assert.Equal(["DSTK2092"], report.AllDiagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Apply_TwoRepositories_EachCheckedWithItsOwnWorkflows()
    {
        Write("one/.dstack/workflows/a.yaml", "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n");
        Write("two/.dstack/workflows/a.yaml", "workflows:\n  - name: prepare\n    commands: [p]\n");

        var report = ValidationReport.Run([Path.Combine(_root, "one"), Path.Combine(_root, "two")], _root);

        var problem = Assert.Single(report.AllDiagnostics);
        Assert.Equal(Path.Combine("one", ".dstack", "workflows", "a.yaml"), problem.Path);
        Assert.Contains("no workflow named `prepare`", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NoWorkflowsFiles_DocumentsUnchanged()
    {
        Write("train.dstack.yml", "type: task\ncommands: [t]\n");
        var files = ConfigurationFinder.Find([_root], _root).Files;
        var documents = files.Select(f => ConfigurationLoader.LoadFile(f.FullPath, f.DisplayPath)).ToList();

        Assert.Same(documents, WorkflowDependencyCheck.Apply(files, documents));
    }

    [Fact]
    public void ProviderValues_DescribedInTheModel()
    {
        Assert.Contains("python", EnumDescriptions.Of(WorkflowProvider.Bash), StringComparison.Ordinal);
        Assert.Contains("`image`", EnumDescriptions.Of(WorkflowProvider.Docker), StringComparison.Ordinal);
        Assert.Null(EnumDescriptions.Of(SpotPolicy.Spot));
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
