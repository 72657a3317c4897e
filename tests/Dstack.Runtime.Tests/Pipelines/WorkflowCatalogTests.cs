using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;

namespace Dstack.Runtime.Tests.Pipelines;

[Trait("Category", "Fast")]
public sealed class WorkflowCatalogTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wfcat-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Write(string file, string yaml)
    {
        var path = Path.Combine(WorkflowCatalog.FolderOf(_root), file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
    }

    private WorkflowCatalog Load() => WorkflowCatalog.Load(_root, displayFrom: _root);

    [Fact]
    public void Load_ReadsEveryYamlAndYmlFile_InNameOrder_FirstDefinitionWins()
    {
        Write("b.yml", "workflows:\n  - name: two\n    commands: [echo 2]\n");
        Write("a.yaml", "workflows:\n  - name: one\n    commands: [echo 1]\n  - name: two\n    commands: [echo first]\n");
        Write("notes.txt", "workflows: not yaml of ours");

        var catalog = Load();

        Assert.Equal(["one", "two"], catalog.Workflows.Select(w => w.Name));
        Assert.Equal(Path.Combine(".dstack", "workflows", "a.yaml"), catalog.Find("two")!.Document.Path);
        Assert.Equal(2, catalog.Files.Count);
    }

    [Fact]
    public void Unknown_ListsTheWorkflows_AndSuggestsTheNearest()
    {
        Write("w.yaml", "workflows:\n  - name: train-mnist\n    commands: [echo]\n  - name: eval\n    commands: [echo]\n");

        var message = Load().Unknown("train-mnsit");

        Assert.Contains("no workflow named `train-mnsit`", message, StringComparison.Ordinal);
        Assert.Contains("did you mean `train-mnist`?", message, StringComparison.Ordinal);
        Assert.Contains("train-mnist, eval", message, StringComparison.Ordinal);
        Assert.Contains("has no workflows files", WorkflowCatalog.Load(Path.Combine(_root, "empty")).Unknown("x"), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDependencies_UnknownWorkflow_PointsAtTheValue_WithAFix()
    {
        Write("w.yaml", "workflows:\n  - name: prepare\n    commands: [echo]\n  - name: train\n    deps:\n      - workflow: prepar\n    commands: [echo]\n");

        var problem = Assert.Single(Load().CheckDependencies());

        Assert.Equal(DiagnosticCodes.UnknownWorkflow, problem.Code);
        Assert.Equal((6, 19), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Contains("did you mean `prepare`?", problem.Message, StringComparison.Ordinal);
        Assert.Equal("prepare", problem.Suggestion!.Text);
    }

    [Fact]
    public void CheckDependencies_CycleAcrossFiles_IsReportedOnce_AtTheFirstWorkflow()
    {
        Write("a.yaml", "workflows:\n  - name: a\n    deps: [{workflow: b}]\n    commands: [echo]\n");
        Write("b.yaml", "workflows:\n  - name: b\n    deps: [{workflow: c}]\n    commands: [echo]\n  - name: c\n    deps: [{workflow: a}]\n    commands: [echo]\n");

        var problem = Assert.Single(Load().CheckDependencies());

        Assert.Equal(DiagnosticCodes.WorkflowCycle, problem.Code);
        Assert.Contains("a → b → c → a", problem.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(".dstack", "workflows", "a.yaml"), problem.Path);
    }

    [Fact]
    public void RunOrder_DeepestFirst_EachOnce_TagsNeedNoRun()
    {
        Write("w.yaml", """
            workflows:
              - name: data
                commands: [echo]
              - name: features
                deps: [{workflow: data}]
                commands: [echo]
              - name: train
                deps: [{workflow: features}, {workflow: data}, {tag: baseline}]
                commands: [echo]
            """);

        var order = Load().RunOrder("train", out var problem);

        Assert.Null(problem);
        Assert.Equal(["data", "features", "train"], order!.Select(w => w.Name));
    }

    [Fact]
    public void RunOrder_CycleOrUnknown_IsNullWithTheReason()
    {
        Write("w.yaml", "workflows:\n  - name: a\n    deps: [{workflow: b}]\n    commands: [echo]\n  - name: b\n    deps: [{workflow: a}]\n    commands: [echo]\n  - name: c\n    deps: [{workflow: nope}]\n    commands: [echo]\n");
        var catalog = Load();

        Assert.Null(catalog.RunOrder("a", out var cycle));
        Assert.Contains("a → b → a", cycle, StringComparison.Ordinal);
        Assert.Null(catalog.RunOrder("c", out var unknown));
        Assert.Contains("no workflow named `nope`", unknown, StringComparison.Ordinal);
        Assert.Null(catalog.RunOrder("zzz", out var missing));
        Assert.Contains("no workflow named `zzz`", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkflowsAsOneMapping_IsReadAsAListOfOne_WithAWarningShowingTheListForm()
    {
        var document = ConfigurationLoader.LoadText(".dstack/workflows/one.yaml", "workflows:\n  name: solo\n  commands:\n    - echo hi\n");

        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        Assert.Equal("solo", Assert.Single(document.Workflows!.Workflows).Name);
        var warning = Assert.Single(document.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("- name: solo", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, warning.Span.StartLine);
    }

    [Theory]
    [InlineData("deps:\n      - workflow: x\n        tag: y", "either a workflow or a tag")]
    [InlineData("deps:\n      - {}", "either a workflow or a tag")]
    [InlineData("deps:\n      - workflow: w", "depends on itself")]
    [InlineData("artifacts:\n      - path: ../up", "climbs out")]
    [InlineData("cache:\n      - path: \"~\"", "the whole home folder")]
    [InlineData("artifacts:\n      - path: ./", "the whole working copy")]
    public void Rules_RefuseMalformedDepsAndPaths(string yaml, string expected)
    {
        var document = ConfigurationLoader.LoadText(".dstack/workflows/w.yaml", $"workflows:\n  - name: w\n    commands: [echo]\n    {yaml}\n");

        Assert.Contains(document.Diagnostics, d => d.IsError && d.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("./output/", "output")]
    [InlineData("output//model/./x", "output/model/x")]
    [InlineData("~/.cache/pip/", "~/.cache/pip")]
    [InlineData("/data//set", "/data/set")]
    public void PathRule_Normalize(string path, string expected) => Assert.Equal(expected, WorkflowPathRule.Normalize(path));

    [Theory]
    [InlineData("output", false, "output", "output")]
    [InlineData("~/.cache/pip", false, "~/.cache/pip", "_home/.cache/pip")]
    [InlineData("~/.cache/pip", true, ".dstack/paths/_home/.cache/pip", "_home/.cache/pip")]
    [InlineData("/data/set", true, ".dstack/paths/_root/data/set", "_root/data/set")]
    [InlineData("output", true, "output", "output")]
    public void Paths_OnHostAndSaved(string path, bool inContainer, string onHost, string saved)
    {
        Assert.Equal(onHost, WorkflowPaths.OnHost(path, inContainer));
        Assert.Equal(saved, WorkflowPaths.SavedFolder(path));
    }

    [Fact]
    public void Paths_ContainerBinds_HomeOfRootOrNamedUser()
    {
        var binds = WorkflowPaths.ContainerBinds(["output", "~/.cache/pip", "/data", "~/.cache/pip"], WorkflowPaths.ContainerHome(null));

        Assert.Equal([(".dstack/paths/_home/.cache/pip", "/root/.cache/pip"), (".dstack/paths/_root/data", "/data")], binds);
        Assert.Equal("/home/app", WorkflowPaths.ContainerHome("app:app"));
        Assert.Equal("/root", WorkflowPaths.ContainerHome("0"));
    }
}
