using Dstack.Runtime.Backends;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs;

/// <summary>
/// What a dstack command does with the instances runs left: <see cref="RunMonitor.ReconcileInstances"/> terminates
/// those of runs that have ended and leaves an active run's alone; <see cref="RunMonitor.TerminateInstance"/> refuses an
/// active run's instance unless forced. A real state store in a temporary folder, a fake backend that records its calls.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunMonitorInstancesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-instances-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly StateStore _store;
    private readonly FakeBackend _backend = new();

    public RunMonitorInstancesTests()
    {
        _store = StateStore.Open(new DstackHome(_root));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void ReconcileInstances_FinishedRun_TerminatesItsInstance_AndLeavesTheActiveRunsOne()
    {
        var finished = Run("finished", DateTimeOffset.UtcNow);
        _store.SetRunStatus(finished.Id, RunStatus.Done, DateTimeOffset.UtcNow, TerminationReason.AllJobsDone, 0);
        var left = AddRunningInstance(finished, "vm-finished");
        var active = Run("active", DateTimeOffset.UtcNow);
        var kept = AddRunningInstance(active, "vm-active");

        RunMonitor.ReconcileInstances(_store, Backend);

        Assert.Equal(["vm-finished"], _backend.Terminated);
        Assert.Equal(InstanceStatus.Terminated, _store.FindInstance(left.Id)!.Status);
        Assert.NotNull(_store.FindInstance(left.Id)!.TerminatedAt);
        Assert.Equal(InstanceStatus.Running, _store.FindInstance(kept.Id)!.Status);
        Assert.Equal([kept.Id], _store.ListInstances().Select(i => i.Id));
    }

    [Fact]
    public void ReconcileInstances_ControllerNeverStarted_RunIsLostAndItsInstanceTerminated()
    {
        // Submitted ten minutes ago and no controller ever recorded: the controller is gone.
        var lost = Run("lost", DateTimeOffset.UtcNow.AddMinutes(-10));
        var instance = AddRunningInstance(lost, "vm-lost");

        RunMonitor.ReconcileInstances(_store, Backend);

        Assert.Equal(RunStatus.Failed, _store.FindRun(lost.Id)!.Status);
        Assert.Equal(["vm-lost"], _backend.Terminated);
        Assert.Equal(InstanceStatus.Terminated, _store.FindInstance(instance.Id)!.Status);
    }

    [Fact]
    public void ReconcileInstances_BackendFails_LeavesTheInstanceTerminatingForTheNextTry()
    {
        var finished = Run("finished", DateTimeOffset.UtcNow);
        _store.SetRunStatus(finished.Id, RunStatus.Terminated, DateTimeOffset.UtcNow, TerminationReason.StoppedByUser);
        var instance = AddRunningInstance(finished, "vm-stuck");
        _backend.Failure = new InvalidOperationException("the API is down");

        RunMonitor.ReconcileInstances(_store, Backend);

        var record = _store.FindInstance(instance.Id)!;
        Assert.Equal(InstanceStatus.Terminating, record.Status);
        Assert.Null(record.TerminatedAt);
        Assert.Contains(instance.Id, _store.ListInstances().Select(i => i.Id));

        _backend.Failure = null;
        RunMonitor.ReconcileInstances(_store, Backend);

        Assert.Equal(InstanceStatus.Terminated, _store.FindInstance(instance.Id)!.Status);
    }

    [Fact]
    public void TryTerminate_BackendDoesNotAnswer_GivesUpAtTheLimit_CancelsTheCall_AndLeavesItTerminating()
    {
        var finished = Run("finished", DateTimeOffset.UtcNow);
        _store.SetRunStatus(finished.Id, RunStatus.Terminated, DateTimeOffset.UtcNow, TerminationReason.StoppedByUser);
        var instance = AddRunningInstance(finished, "vm-silent");
        _backend.Hangs = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var terminated = RunMonitor.TryTerminate(_store, instance, out var problem, backendOf: Backend, limit: TimeSpan.FromMilliseconds(300));

        Assert.False(terminated);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("did not answer within 0.3 s", problem, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Terminating, _store.FindInstance(instance.Id)!.Status);
        SpinWait.SpinUntil(() => _backend.SawCancellation, TimeSpan.FromSeconds(5));
        Assert.True(_backend.SawCancellation);
    }

    [Fact]
    public void TerminateInstance_ActiveRun_IsRefusedAndLeftRunning()
    {
        var active = Run("active", DateTimeOffset.UtcNow);
        var instance = AddRunningInstance(active, "vm-active");

        var result = RunMonitor.TerminateInstance(_store, instance.Id, force: false, backendOf: Backend);

        Assert.Equal(InstanceTerminationOutcome.RunActive, result.Outcome);
        Assert.Equal("active", result.Run!.Name);
        Assert.Empty(_backend.Terminated);
        Assert.Equal(InstanceStatus.Running, _store.FindInstance(instance.Id)!.Status);
    }

    [Fact]
    public void TerminateInstance_ActiveRunForced_IsTerminated()
    {
        var active = Run("active", DateTimeOffset.UtcNow);
        var instance = AddRunningInstance(active, "vm-active");

        var result = RunMonitor.TerminateInstance(_store, instance.Id, force: true, backendOf: Backend);

        Assert.Equal(InstanceTerminationOutcome.Terminated, result.Outcome);
        Assert.Equal(["vm-active"], _backend.Terminated);
        Assert.Equal(InstanceStatus.Terminated, _store.FindInstance(instance.Id)!.Status);
    }

    [Fact]
    public void TerminateInstance_AlreadyTerminated_SaysSoWithoutAskingTheBackend()
    {
        var finished = Run("finished", DateTimeOffset.UtcNow);
        _store.SetRunStatus(finished.Id, RunStatus.Done, DateTimeOffset.UtcNow, TerminationReason.AllJobsDone, 0);
        var instance = AddRunningInstance(finished, "vm-done");
        _store.SetInstanceStatus(instance.Id, InstanceStatus.Terminated, DateTimeOffset.UtcNow);

        var result = RunMonitor.TerminateInstance(_store, instance.Id, force: false, backendOf: Backend);

        Assert.Equal(InstanceTerminationOutcome.AlreadyEnded, result.Outcome);
        Assert.Empty(_backend.Terminated);
    }

    [Fact]
    public void TerminateInstance_BackendFails_ReportsWhyAndLeavesItTerminating()
    {
        var finished = Run("finished", DateTimeOffset.UtcNow);
        _store.SetRunStatus(finished.Id, RunStatus.Done, DateTimeOffset.UtcNow, TerminationReason.AllJobsDone, 0);
        var instance = AddRunningInstance(finished, "vm-stuck");
        _backend.Failure = new InvalidOperationException("the API is down");

        var result = RunMonitor.TerminateInstance(_store, instance.Id, force: false, backendOf: Backend);

        Assert.Equal(InstanceTerminationOutcome.Failed, result.Outcome);
        Assert.Contains("the API is down", result.Problem, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Terminating, result.Instance!.Status);
    }

    [Fact]
    public void TerminateInstance_UnknownId_IsNotFound()
    {
        var result = RunMonitor.TerminateInstance(_store, 42, force: false, backendOf: Backend);

        Assert.Equal(InstanceTerminationOutcome.NotFound, result.Outcome);
        Assert.Null(result.Instance);
    }

    private IBackend? Backend(string name) => name == FakeBackend.BackendName ? _backend : null;

    private RunRecord Run(string name, DateTimeOffset submittedAt) =>
        _store.CreateRun(name, _ => name, "/repo/.dstack.yml", "/repo", _ => "{}", submittedAt).Run;

    private InstanceRecord AddRunningInstance(RunRecord run, string instanceId)
    {
        var offer = new Offer(FakeBackend.BackendName, "eu-west", "vm.small", new MachineResources(2, default, default, []), Spot: false, PricePerHour: 0.1m);
        var json = RunController.OfferJson(offer);
        var record = _store.AddInstance(run.Id, run.Name, 0, offer.Backend, offer.Region, offer.Instance, offer.PricePerHour, $"{run.Name}-0-{instanceId}", json, DateTimeOffset.UtcNow);
        _store.SetInstanceRunning(record.Id, instanceId, "10.0.0.9", json);
        return _store.FindInstance(record.Id)!;
    }

    /// <summary>A backend that records which instances it was asked to terminate, or fails as told.</summary>
    private sealed class FakeBackend : IBackend
    {
        public const string BackendName = "fake";

        public string Summary => "a fake cloud";

        public IReadOnlyList<string> Machines => [];

        public Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<BackendCheck>>([new BackendCheck(string.Empty, true, "ok", "fake")]);

        public List<string> Terminated { get; } = [];

        public Exception? Failure { get; set; }

        /// <summary>True: TerminateAsync answers only when cancelled (a cloud API that does not answer).</summary>
        public bool Hangs { get; set; }

        public bool SawCancellation { get; private set; }

        public string Name => BackendName;

        public bool IsAdmitted(Requirements requirements) => true;

        public BackendOffers GetOffers(Requirements requirements, OfferContext context) => new(BackendName, [], []);

        public Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken) =>
            Task.FromResult(new Instance(request.Offer, request.Token, "10.0.0.9"));

        public Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken) => Task.FromResult<bool?>(!Terminated.Contains(instance.InstanceId));

        public async Task TerminateAsync(Instance instance, CancellationToken cancellationToken)
        {
            if (Hangs)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    SawCancellation = cancellationToken.IsCancellationRequested;
                }
            }

            await TerminateNowAsync(instance);
        }

        private Task TerminateNowAsync(Instance instance)
        {
            if (Failure is { } failure)
            {
                return Task.FromException(failure);
            }

            Terminated.Add(instance.InstanceId);
            return Task.CompletedTask;
        }

        public IJobHost HostOf(Instance instance, HostContext context) =>
            throw new NotSupportedException("these tests never run a job on the fake backend's instances");
    }
}
