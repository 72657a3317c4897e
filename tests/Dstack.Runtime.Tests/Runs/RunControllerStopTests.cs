using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs;

/// <summary>
/// A stop or an abort that arrives while the controller still copies the code: the run ends at once, even when the copy
/// is stuck (a read that never returns, a host that never answers) and ignores its cancellation; the job never starts.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunControllerStopTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-supervisor-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ManualResetEventSlim _release = new();

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Abort_WhileTheCopyIsStuck_EndsTheRunAborted_WithoutStartingTheJob()
    {
        var (store, run, supervisor) = Create("stuck");
        var entered = new TaskCompletionSource();
        supervisor.WhilePreparing = _ =>
        {
            entered.TrySetResult();
            _release.Wait();
        };

        var running = supervisor.RunAsync();
        await entered.Task.WaitAsync(Limit);
        Assert.Equal(RunStatus.Provisioning, store.FindRun(run.Id)!.Status);
        store.RequestStop(run.Id, StopRequest.Abort);
        supervisor.OnStopSignal();
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Aborted, final.Status);
        Assert.Equal(TerminationReason.AbortedByUser, final.Reason);
        Assert.Empty(store.ListJobs(run.Id));
        var log = File.ReadAllText(store.Home.LogFile(run.Name, 0));
        Assert.Contains("aborted while copying the code; the job was not started", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "project", "ran")));
    }

    [Fact]
    public async Task Stop_WhileCopying_CancelsTheCopy_AndEndsTheRunTerminated()
    {
        var (store, run, supervisor) = Create("slow");
        var entered = new TaskCompletionSource();
        var sawCancellation = new TaskCompletionSource();
        supervisor.WhilePreparing = token =>
        {
            entered.TrySetResult();
            token.WaitHandle.WaitOne(Limit);
            if (token.IsCancellationRequested)
            {
                sawCancellation.TrySetResult();
            }
        };

        var running = supervisor.RunAsync();
        await entered.Task.WaitAsync(Limit);
        store.RequestStop(run.Id, StopRequest.Stop);
        supervisor.OnStopSignal();
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Terminated, final.Status);
        Assert.Equal(TerminationReason.StoppedByUser, final.Reason);
        await sawCancellation.Task.WaitAsync(Limit);
        Assert.Empty(store.ListJobs(run.Id));
        Assert.False(Directory.Exists(store.Home.CodeFolder(run.Name)));
    }

    private (StateStore Store, RunRecord Run, RunController Supervisor) Create(string name)
    {
        var project = Path.Combine(_root, "project");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "train.py"), "print('hi')\n");
        var store = StateStore.Open(new DstackHome(Path.Combine(_root, "home")));
        var spec = new RunSpec { RunName = name, Type = "task", ConfigurationPath = Path.Combine(project, ".dstack.yml"), RepoRoot = project, Script = $"touch {project}/ran" };
        var (run, _) = store.CreateRun(name, _ => name, spec.ConfigurationPath, project, _ => spec.WithoutSecrets().ToJson(), DateTimeOffset.UtcNow);
        return (store, run, new RunController(store, run, spec, new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" }));
    }
}
