using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A job's machine lost during the run, against a fake backend that says whether the cloud took it back: an
/// interrupted instance fails the run as interrupted_by_no_capacity (with the hint to retry), or with retry on
/// interruption runs its job again on a new instance of the same offer (or a spare); a backend that says nothing
/// leaves the loss an unreachable host.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunInterruptionTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-interrupt-").FullName;
    private readonly StateStore _store;
    private readonly FakeBackend _backend;

    public RunInterruptionTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "project"));
        _store = StateStore.Open(new DstackHome(Path.Combine(_root, "home")));
        _backend = new FakeBackend(_store);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Interrupted_WithoutRetry_FailsAsInterrupted_WithTheHintNamingTheConfiguration()
    {
        var (run, controller) = Submit(Spec(RetryEvent.Error));
        var running = controller.RunAsync();

        Interrupt(await NextJobAsync(), "i-001");
        var final = await running.WaitAsync(Limit);

        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Equal((RunStatus.Failed, TerminationReason.Interrupted), (final.Status, final.Reason));
        Assert.Contains("dstack: i-001 (spotty spot, fake-region-1) was interrupted: taken back by the fake cloud", log, StringComparison.Ordinal);
        Assert.Contains($"i-001 was interrupted; add `retry: {{on_events: [interruption]}}` to {Path.Combine(_root, "project", ".dstack.yml")} (or pass --retry)", log, StringComparison.Ordinal);
        Assert.Single(_backend.Provisions);
        Assert.Equal("i-001", Assert.Single(_backend.Terminated).InstanceId);
        Assert.Equal(InstanceStatus.Terminated, Assert.Single(_store.ListInstances(run.Id)).Status);
        Assert.Equal("the spot instance was taken back (interrupted)", TerminationReason.Describe(final.Reason, null));
    }

    [Fact]
    public async Task Interrupted_WithRetry_RunsAgainOnANewInstanceOfTheSameOffer_AndEndsDone()
    {
        var (run, controller) = Submit(Spec(RetryEvent.Interruption));
        var running = controller.RunAsync();

        Interrupt(await NextJobAsync(), "i-001");
        var second = await NextJobAsync();
        second.Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal((RunStatus.Done, 2), (final.Status, final.Attempt));
        Assert.Equal(["spotty", "spotty"], _backend.Provisions.Select(p => p.Request.Offer.Instance));
        Assert.True(_backend.Provisions[1].Request.Replacing);
        Assert.Equal(["i-001", "i-002"], _backend.Terminated.Select(i => i.InstanceId));
        Assert.All(_store.ListInstances(run.Id), i => Assert.Equal(InstanceStatus.Terminated, i.Status));
        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Contains("i-001 (spotty spot, fake-region-1) was interrupted", log, StringComparison.Ordinal);
        Assert.Contains("job 0 moves from spotty to spotty", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupted_WithRetry_TheSameOfferHasNoCapacity_TheSpareIsUsed()
    {
        var spec = Spec(RetryEvent.Interruption) with { Spares = [FakeBackend.Machine("spare", 0.9m, spot: true)] };
        var (_, controller) = Submit(spec);
        var running = controller.RunAsync();

        var first = await NextJobAsync();
        _backend.NoCapacityFor.Add("spotty");
        Interrupt(first, "i-001");
        (await NextJobAsync()).Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Done, final.Status);
        Assert.Equal(["spotty", "spotty", "spare"], _backend.Provisions.Select(p => p.Request.Offer.Instance));
    }

    [Fact]
    public async Task Interrupted_WithRetry_NoOfferLeft_FailsAsInterrupted_SayingWhatWasTried()
    {
        var (run, controller) = Submit(Spec(RetryEvent.Interruption));
        var running = controller.RunAsync();

        var first = await NextJobAsync();
        _backend.NoCapacityFor.Add("spotty");
        Interrupt(first, "i-001");
        var final = await running.WaitAsync(Limit);

        Assert.Equal((RunStatus.Failed, TerminationReason.Interrupted), (final.Status, final.Reason));
        Assert.Contains("no machine could be had to replace spotty (its own offer and every spare were tried)", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptedWhileStarting_TheUploadFails_IsAnInterruption_AndWithRetryRunsOnANewInstance()
    {
        _backend.UploadProblem = "ssh: connection closed by 10.0.0.1";
        lock (_backend.Interruptions)
        {
            _backend.Interruptions["i-001"] = "taken back by the fake cloud";
        }

        // The new instance uploads fine.
        _backend.InterruptionAsked = _ => _backend.UploadProblem = null;
        var (run, controller) = Submit(Spec(RetryEvent.Interruption));
        var running = controller.RunAsync();
        (await NextJobAsync()).Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal((RunStatus.Done, 2), (final.Status, final.Attempt));
        Assert.Contains("i-001 (spotty spot, fake-region-1) was interrupted", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartFails_OnAnInstanceThatRuns_StaysAStartFailure()
    {
        _backend.UploadProblem = "the disk is full";
        var (_, controller) = Submit(Spec(RetryEvent.Interruption));

        var final = await controller.RunAsync().WaitAsync(Limit);

        Assert.Equal((RunStatus.Failed, TerminationReason.StartFailed), (final.Status, final.Reason));
        Assert.Single(_backend.Provisions);
    }

    [Fact]
    public async Task LostHost_TheBackendCannotSayWhy_StaysUnreachable()
    {
        _backend.InterruptionProblem = new HttpRequestException("the API does not answer");
        var (run, controller) = Submit(Spec(RetryEvent.Error));
        var running = controller.RunAsync();

        (await NextJobAsync()).Lose("the host stopped answering for 2 minutes");
        var final = await running.WaitAsync(Limit);

        Assert.Equal((RunStatus.Failed, TerminationReason.HostLost), (final.Status, final.Reason));
        Assert.Contains("could not say whether i-001 was interrupted (the API does not answer); it counts as unreachable", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
    }

    /// <summary>The cloud takes the job's instance back: the backend will say why, and the job's host is lost.</summary>
    private void Interrupt(FakeJob job, string instanceId)
    {
        lock (_backend.Interruptions)
        {
            _backend.Interruptions[instanceId] = "taken back by the fake cloud";
        }

        job.Lose($"{instanceId} has not answered for 2 seconds");
    }

    private RunSpec Spec(RetryEvent retry) => new()
    {
        RunName = "spotty",
        Type = "task",
        ConfigurationPath = Path.Combine(_root, "project", ".dstack.yml"),
        RepoRoot = Path.Combine(_root, "project"),
        Script = "python train.py",
        Placements = [FakeBackend.Machine("spotty", 0.4m, spot: true)],
        RetryOn = [retry],
        StopDuration = 5,
    };

    private (RunRecord Run, RunController Controller) Submit(RunSpec spec)
    {
        var (run, _) = _store.CreateRun(spec.RunName, _ => spec.RunName, spec.ConfigurationPath, spec.RepoRoot, _ => spec.WithoutSecrets().ToJson(), DateTimeOffset.UtcNow);
        return (run, new RunController(_store, run, spec, new Dictionary<string, string>(), backends: name => name == FakeBackend.BackendName ? _backend : null));
    }

    private async Task<FakeJob> NextJobAsync() => await _backend.Started.Reader.ReadAsync().AsTask().WaitAsync(Limit);
}
