using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Pipelines;

/// <summary>A workflow through the planner: the task it becomes, its paths, and the runs its deps resolve to.</summary>
[Trait("Category", "Fast")]
public sealed class WorkflowPlanTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wfplan-" + Guid.NewGuid().ToString("N")[..8]);

    public WorkflowPlanTests() => Directory.CreateDirectory(Repo);

    private string Repo => Path.Combine(_root, "repo");

    private DstackHome Home => new(Path.Combine(_root, "home"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Workflows(string yaml)
    {
        Directory.CreateDirectory(WorkflowCatalog.FolderOf(Repo));
        File.WriteAllText(Path.Combine(WorkflowCatalog.FolderOf(Repo), "main.yaml"), yaml);
    }

    private RunPlan Plan(string workflow, IReadOnlyList<string>? args = null) => RunPlanner.Plan(
        new RunRequest(Repo, ".", null, new RunOverrides { RunArgs = args ?? [] }, new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" }, Home) { Workflow = workflow });

    [Fact]
    public void Workflow_BecomesATask_WithItsPathsArgsAndResources()
    {
        Workflows("""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo ${{ run.args }}
                env:
                  - MODE=fast
                artifacts:
                  - path: ./output/
                cache:
                  - path: ~/.cache/pip
                resources:
                  memory: 1GB
                  shm_size: 1GB
            """);

        var plan = Plan("train", ["two words"]);

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        var spec = plan.Spec!;
        Assert.Equal("train", spec.Workflow);
        Assert.Equal("train", plan.Workflow);
        Assert.Equal("task", spec.Type);
        Assert.Equal("echo 'two words'", spec.Script);
        Assert.Equal(["output"], spec.Artifacts);
        Assert.Equal(["~/.cache/pip"], spec.Cache);
        Assert.Equal([new EnvEntry("MODE", "fast")], spec.Env);
        Assert.Equal(1024L * 1024 * 1024, spec.ShmSize);
        Assert.Null(spec.Image);
        Assert.Equal(Path.Combine(WorkflowCatalog.FolderOf(Repo), "main.yaml"), spec.ConfigurationPath);
        Assert.Null(plan.RequestedName);
        // The stored spec keeps the workflow and its paths (dstack ps and deps read them from there).
        var stored = RunSpec.FromJson(spec.WithoutSecrets().ToJson());
        Assert.Equal(("train", "output"), (stored.Workflow, stored.Artifacts[0]));
    }

    [Fact]
    public void DockerProvider_RunsInItsImage_PythonIgnored()
    {
        Workflows("workflows:\n  - name: d\n    provider: docker\n    image: localhost/busybox:1.35\n    commands: [echo hi]\n");

        var plan = Plan("d");

        Assert.Equal("localhost/busybox:1.35", plan.Spec?.Image);
        Assert.Null(plan.Spec?.Python);
    }

    [Fact]
    public void Interruptible_MeansSpot_GpuMinimumsBecomeTheTaskSpec()
    {
        var workflow = new Workflow
        {
            Name = "g",
            Commands = ["echo"],
            Resources = new WorkflowResources { Interruptible = true, Gpu = new WorkflowGpu { Count = 2, Name = "A100", Memory = new Dstack.Runtime.Resources.Memory(40) } },
        };

        var task = WorkflowTask.Of(workflow);

        Assert.Equal(SpotPolicy.Spot, task.SpotPolicy);
        Assert.Equal(2, task.Resources.Gpu!.Count.Min);
        Assert.Equal(2, task.Resources.Gpu.Count.Max);
        Assert.Equal(["A100"], task.Resources.Gpu.Name);
        Assert.Equal(40, task.Resources.Gpu.Memory!.Min!.Value.Gigabytes);
        Assert.Null(task.Resources.Gpu.Memory.Max);
    }

    [Fact]
    public void UnknownWorkflow_IsAnErrorWithDidYouMean()
    {
        Workflows("workflows:\n  - name: train\n    commands: [echo]\n");

        var plan = Plan("trian");

        var error = Assert.Single(plan.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.UnknownWorkflow, error.Code);
        Assert.Contains("did you mean `train`?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DepOnAWorkflowWithoutASuccessfulRun_SaysToRunItOrUseWithDeps()
    {
        Workflows("workflows:\n  - name: make\n    commands: [echo]\n  - name: use\n    deps:\n      - workflow: make\n    commands: [echo]\n");

        var plan = Plan("use");

        var error = Assert.Single(plan.Diagnostics, d => d.IsError);
        Assert.Equal((DiagnosticCodes.UnknownWorkflow, 6), (error.Code, error.Span.StartLine));
        Assert.Contains("--with-deps", error.Message, StringComparison.Ordinal);
        Assert.False(plan.CanRun);
    }

    [Fact]
    public void Deps_ResolveToTheLastDoneRunOfTheWorkflow_AndToTaggedRuns()
    {
        Workflows("workflows:\n  - name: make\n    commands: [echo]\n    artifacts: [{path: out}]\n  - name: use\n    deps:\n      - workflow: make\n      - tag: gold\n    commands: [echo]\n");
        var store = StateStore.Open(Home);
        RunRecord Run(string name, string workflow, RunStatus status, params string[] artifacts)
        {
            var (run, _) = store.CreateRun(name, _ => name, "main.yaml", Repo, n => new RunSpec { RunName = n, Type = "task", ConfigurationPath = "main.yaml", RepoRoot = Repo, Script = "echo", Workflow = workflow }.ToJson(), DateTimeOffset.UtcNow);
            store.SetRunStatus(run.Id, status, DateTimeOffset.UtcNow);
            foreach (var path in artifacts)
            {
                store.SaveArtifact(new ArtifactRecord(run.Id, path, path, 1, 1, "00", DateTimeOffset.UtcNow));
            }

            return run;
        }

        Run("old-make", "make", RunStatus.Done, "out");
        Run("new-make", "make", RunStatus.Done, "out");
        Run("failed-make", "make", RunStatus.Failed, "out");
        var tagged = Run("gold-run", "other", RunStatus.Done, "model", "metrics");
        Assert.True(store.AddTag("gold", tagged.Id, DateTimeOffset.UtcNow));

        var plan = Plan("use");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal(
            [new DepArtifacts("workflow make", "new-make", ["out"]), new DepArtifacts("tag gold", "gold-run", ["metrics", "model"])],
            plan.Spec!.Deps.Select(d => d with { Paths = [.. d.Paths] }),
            new DepComparer());
    }

    [Fact]
    public void UnknownTag_SaysWhichTagsExist()
    {
        Workflows("workflows:\n  - name: use\n    deps:\n      - tag: gld\n    commands: [echo]\n");
        var store = StateStore.Open(Home);
        var (run, _) = store.CreateRun("r", _ => "r", "x", Repo, n => new RunSpec { RunName = n, Type = "task", ConfigurationPath = "x", RepoRoot = Repo, Script = "echo" }.ToJson(), DateTimeOffset.UtcNow);
        store.AddTag("gold", run.Id, DateTimeOffset.UtcNow);

        var error = Assert.Single(Plan("use").Diagnostics, d => d.IsError);

        Assert.Contains("no tag named `gld` (did you mean `gold`?)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedArtifactPaths_AreRefused()
    {
        Workflows("workflows:\n  - name: w\n    commands: [echo]\n    artifacts:\n      - path: out\n      - path: out/model\n");

        Assert.Contains(Plan("w").Diagnostics, d => d.IsError && d.Message.Contains("`out/model` is inside another", StringComparison.Ordinal));
    }

    [Fact]
    public void RunningAWorkflowsFileAsAConfiguration_SaysToRunAWorkflowByName()
    {
        Workflows("workflows:\n  - name: train\n    commands: [echo]\n");

        var plan = RunPlanner.Plan(new RunRequest(Repo, ".", ".dstack/workflows/main.yaml", new RunOverrides(), new Dictionary<string, string>(), Home));
        var noFile = RunPlanner.Plan(new RunRequest(Repo, ".", null, new RunOverrides(), new Dictionary<string, string>(), Home));

        Assert.Contains("dstack run train", Assert.Single(plan.Diagnostics, d => d.IsError).Message, StringComparison.Ordinal);
        Assert.Contains("dstack run train", Assert.Single(noFile.Diagnostics, d => d.IsError).Message, StringComparison.Ordinal);
    }

    private sealed class DepComparer : IEqualityComparer<DepArtifacts>
    {
        public bool Equals(DepArtifacts? x, DepArtifacts? y) => x!.Dep == y!.Dep && x.RunName == y.RunName && x.Paths.SequenceEqual(y.Paths);

        public int GetHashCode(DepArtifacts obj) => obj.Dep.GetHashCode(StringComparison.Ordinal);
    }
}
