using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;

namespace Dstack.Runtime.Tests.Pipelines;

/// <summary>
/// What one run of a workflow is checked against: the workflows its deps reach (<see cref="WorkflowCatalog.Needs"/>),
/// their problems only (<see cref="WorkflowCatalog.CheckDependencies"/> with a scope), and an unknown name explained by
/// the workflows files that cannot be read.
/// </summary>
[Trait("Category", "Fast")]
public sealed class WorkflowCatalogRunScopeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wfscope-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Needs_FollowsDepsThroughEveryLevel_AndStopsAtCyclesAndUnknownNames()
    {
        Write("w.yaml", "workflows:\n  - name: a\n    deps:\n      - workflow: b\n      - tag: t\n    commands: [echo]\n  - name: b\n    deps:\n      - workflow: c\n      - workflow: ghost\n    commands: [echo]\n  - name: c\n    deps:\n      - workflow: b\n    commands: [echo]\n  - name: other\n    commands: [echo]\n");

        var catalog = Load();

        Assert.Equal(["a", "b", "c", "ghost"], catalog.Needs("a").Order(StringComparer.Ordinal));
        Assert.Equal(["other"], catalog.Needs("other"));
    }

    [Fact]
    public void CheckDependencies_Scoped_KeepsOnlyTheProblemsOfTheWorkflowsARunNeeds()
    {
        Write("w.yaml", "workflows:\n  - name: x\n    deps:\n      - workflow: y\n    commands: [echo]\n  - name: y\n    deps:\n      - workflow: x\n    commands: [echo]\n  - name: z\n    deps:\n      - workflow: nowhere\n    commands: [echo]\n  - name: alone\n    commands: [echo]\n");

        var catalog = Load();

        Assert.Equal([DiagnosticCodes.UnknownWorkflow, DiagnosticCodes.WorkflowCycle], catalog.CheckDependencies().Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.Empty(catalog.CheckDependencies(catalog.Needs("alone")));
        Assert.Equal([DiagnosticCodes.WorkflowCycle], catalog.CheckDependencies(catalog.Needs("y")).Select(d => d.Code));
        Assert.Equal([DiagnosticCodes.UnknownWorkflow], catalog.CheckDependencies(catalog.Needs("z")).Select(d => d.Code));
    }

    [Fact]
    public void Unknown_WithAWorkflowsFileThatCannotBeRead_NamesItsFirstError()
    {
        Write("good.yaml", "workflows:\n  - name: good\n    commands: [echo]\n");
        Write("bad.yaml", "workflows:\n  - name: train\n    commands:\n      - echo\n     bad: [\n");

        var message = Load().Unknown("train");
        var onlyBad = WorkflowCatalog.Load(_root, displayFrom: _root);
        File.Delete(Path.Combine(WorkflowCatalog.FolderOf(_root), "good.yaml"));
        var none = WorkflowCatalog.Load(_root, displayFrom: _root).Unknown("train");

        Assert.Matches(@"^no workflow named `train`; the workflows are: good; fix the workflows file with errors, which may define it: \.dstack/workflows/bad\.yaml\(5,6\): error DSTK1\d{3}: ", message);
        Assert.Single(onlyBad.Files, f => !f.IsValid);
        Assert.Matches(@"^no workflow named `train`: the workflows files in \.dstack/workflows define none that can run; fix the workflows file with errors, which may define it: \.dstack/workflows/bad\.yaml\(5,6\): ", none);
    }

    private void Write(string file, string yaml)
    {
        var path = Path.Combine(WorkflowCatalog.FolderOf(_root), file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
    }

    private WorkflowCatalog Load() => WorkflowCatalog.Load(_root, displayFrom: _root);
}
