using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Python;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A run's whole life against a fake backend and fake hosts, in-process: plan, provision (recorded first), upload,
/// start, stop, abort, a failed provisioning, a lost machine replaced by a spare, a retry after an error, and the
/// instances terminated however the run ends. No process, no network: each test takes milliseconds.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunLifecycleTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-lifecycle-").FullName;
    private readonly StateStore _store;
    private readonly FakeBackend _backend;

    public RunLifecycleTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "project"));
        File.WriteAllText(Path.Combine(_root, "project", "train.py"), "print('hi')\n");
        _store = StateStore.Open(new DstackHome(Path.Combine(_root, "home")));
        _backend = new FakeBackend(_store);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Plan_TakesTheCheapestOffersThatFit_OnePerJob_AndKeepsTheRestAsSpares()
    {
        _backend.Catalog.AddRange([FakeBackend.Machine("big", 3.0m, gpus: 8), FakeBackend.Machine("small", 1.2m, gpus: 1), FakeBackend.Machine("cpu", 0.1m), FakeBackend.Machine("medium", 2.0m, gpus: 2)]);

        var plan = Plan("type: task\nnodes: 2\ncommands: [python train.py]\nresources:\n  gpu: A100:1..\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal(["small", "medium"], plan.Spec!.Placements.Select(p => p.Instance));
        Assert.Equal(["big"], plan.Spec.Spares.Select(p => p.Instance));
        Assert.Equal("fake", plan.Spec.Backend);
        // This machine (no GPU here) is left out with its reason; the CPU-only offer too.
        Assert.Contains(plan.Offers!.LeftOut, c => c.Offer.Backend == "local" && c.Unmet.Any(u => u.StartsWith("gpu:", StringComparison.Ordinal)));
        Assert.Contains(plan.Offers.LeftOut, c => c.Offer.Instance == "cpu");
        Assert.Equal([1.2m, 2.0m, 3.0m], plan.Offers.Offers.Select(o => o.PricePerHour));
    }

    [Fact]
    public void Plan_MaxPriceAndSpot_FilterTheOffers_AndNoOfferIsAnErrorNamingEachMachine()
    {
        _backend.Catalog.AddRange([FakeBackend.Machine("small", 1.2m, gpus: 1), FakeBackend.Machine("spotty", 0.4m, gpus: 1, spot: true)]);

        var spot = Plan("type: task\ncommands: [echo]\nresources:\n  gpu: 1\nspot_policy: spot\n");
        var cheap = Plan("type: task\ncommands: [echo]\nresources:\n  gpu: 1\nspot_policy: on-demand\nmax_price: 1.0\n");

        Assert.Equal("spotty", Assert.Single(spot.Spec!.Placements).Instance);
        Assert.False(cheap.CanRun);
        Assert.Contains(cheap.Offers!.LeftOut, c => c.Offer.Instance == "small" && c.Unmet.Any(u => u.StartsWith("max_price", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_ProvisionsEachJob_RecordedFirst_UploadsStartsAndTerminatesEveryInstance()
    {
        var (run, supervisor) = Submit(Spec(nodes: 2, FakeBackend.Machine("small", 1.2m, gpus: 1), FakeBackend.Machine("medium", 2.0m, gpus: 2)));

        var running = supervisor.RunAsync();
        var jobs = new[] { await NextJobAsync(), await NextJobAsync() }.OrderBy(j => j.Rank).ToList();
        foreach (var job in jobs)
        {
            job.Say($"hello from rank {job.Rank}");
            job.Exit(0);
        }

        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Done, final.Status);
        // Each instance was in the store, provisioning, before the backend was asked for it.
        Assert.Equal(2, _backend.Provisions.Count);
        Assert.All(_backend.Provisions, p => Assert.Equal(InstanceStatus.Provisioning, p.Recorded?.Status));
        var instances = _store.ListInstances(run.Id);
        Assert.Equal([0, 1], instances.Select(i => i.JobNum));
        Assert.All(instances, i => Assert.Equal(InstanceStatus.Terminated, i.Status));
        Assert.Equal(["i-001", "i-002"], instances.Select(i => i.InstanceId).Order());
        // Each job names its machine, so a job whose controller died is found there again.
        Assert.Equal(instances.Select(i => (long?)i.Id), _store.ListJobs(run.Id).OrderBy(j => j.JobNum).Select(j => j.InstanceId));
        Assert.Equal(2, _backend.Terminated.Count);
        // The code reached every host; the jobs know each other's addresses and their own GPUs.
        Assert.All(_backend.Hosts.Values, h => Assert.Equal(1, Assert.Single(h.Uploads).Files));
        var addresses = string.Join('\n', instances.Select(i => i.Address));
        Assert.All(jobs, j => Assert.Equal(addresses, j.Environment["DSTACK_NODES_IPS"]));
        Assert.Equal("0", jobs[0].Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("0,1", jobs[1].Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("3", jobs[0].Environment["DSTACK_GPUS_NUM"]);
        Assert.Equal("/home/fake", jobs[0].Environment["HOME"]);
        Assert.All(_backend.Hosts.Values, h => Assert.True(h.Disposed));
        Assert.All(_backend.Hosts.Values, h => Assert.Single(h.CleanedUp));
        Assert.Contains("hello from rank 1", File.ReadAllText(_store.Home.LogFile(run.Name, 1)), StringComparison.Ordinal);
        // The way to running, as typed events a front end follows: per job, provisioning, the code sent, running.
        foreach (var rank in new[] { 0, 1 })
        {
            var kinds = _store.ListRunEvents(run.Id).Where(e => e.Progress.Rank == rank).Select(e => RunProgressJson.KindOf(e.Progress)).ToList();
            Assert.Equal(["provisioning", "uploading", "uploaded", "running"], kinds);
        }

        var uploaded = _store.ListRunEvents(run.Id).Select(e => e.Progress).OfType<UploadedProgress>().First();
        Assert.Equal(new FileInfo(Path.Combine(_root, "project", "train.py")).Length, uploaded.Bytes);
        Assert.StartsWith("small", _store.ListRunEvents(run.Id).Select(e => e.Progress).OfType<RunningProgress>().Single(r => r.Rank == 0).Host, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OfSeveralNodes_AsksForTheRunsGroup_AndReleasesItOnceEveryInstanceIsTerminated()
    {
        var (run, supervisor) = Submit(Spec(nodes: 2, FakeBackend.Machine("small", 1.2m, gpus: 1), FakeBackend.Machine("medium", 2.0m, gpus: 2)));

        var running = supervisor.RunAsync();
        (await NextJobAsync()).Exit(0);
        (await NextJobAsync()).Exit(0);
        await running.WaitAsync(Limit);

        Assert.All(_backend.Provisions, p => Assert.Equal(run.Name, p.Request.Group));
        var released = Assert.Single(_backend.ReleasedGroups);
        Assert.Equal((run.Name, 2, 2), (released.Group, released.Offers.Count, released.TerminatedBefore));
    }

    [Fact]
    public async Task Run_OfSeveralNodes_ALaterJobWithoutCapacity_TakesASpareInTheFirstJobsRegion()
    {
        var first = FakeBackend.Machine("a", 1.0m);
        var spares = new[] { FakeBackend.Machine("b-far", 1.1m) with { Region = "fake-region-2" }, FakeBackend.Machine("c-near", 1.5m) };
        _backend.NoCapacityFor.Add("a2");
        var (_, supervisor) = Submit(Spec(nodes: 2, first, FakeBackend.Machine("a2", 1.0m)) with { Spares = spares });

        var running = supervisor.RunAsync();
        (await NextJobAsync()).Exit(0);
        (await NextJobAsync()).Exit(0);
        await running.WaitAsync(Limit);

        Assert.Equal(["a", "a2", "c-near"], _backend.Provisions.Select(p => p.Request.Offer.Instance));
    }

    [Fact]
    public async Task Run_OfOneNode_HasNoGroup()
    {
        var (_, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));

        var running = supervisor.RunAsync();
        (await NextJobAsync()).Exit(0);
        await running.WaitAsync(Limit);

        Assert.Null(Assert.Single(_backend.Provisions).Request.Group);
        Assert.Empty(_backend.ReleasedGroups);
    }

    [Fact]
    public async Task Stop_SignalsTheJobsGracefully_EndsTerminated_AndTerminatesTheInstances()
    {
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));
        var running = supervisor.RunAsync();
        var job = await NextJobAsync();
        await WaitForStatusAsync(run, RunStatus.Running);

        _store.RequestStop(run.Id, StopRequest.Stop);
        supervisor.OnStopSignal();
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Terminated, final.Status);
        Assert.Equal(TerminationReason.StoppedByUser, final.Reason);
        Assert.Equal(Signals.Terminate, job.Signals[0]);
        Assert.Equal(InstanceStatus.Terminated, Assert.Single(_store.ListInstances(run.Id)).Status);
    }

    [Fact]
    public async Task Abort_KillsAJobThatIgnoresTerminate_AtOnce()
    {
        _backend.JobsIgnoreTerminate = true;
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));
        var running = supervisor.RunAsync();
        var job = await NextJobAsync();
        await WaitForStatusAsync(run, RunStatus.Running);

        _store.RequestStop(run.Id, StopRequest.Abort);
        supervisor.OnStopSignal();
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Aborted, final.Status);
        Assert.Equal([Signals.Kill], job.Signals.Distinct());
        Assert.Single(_backend.Terminated);
    }

    [Fact]
    public async Task Stop_WhileUploading_EndsTheRun_WithoutStartingAJob_AndTerminatesTheInstance()
    {
        _backend.UploadGate = new TaskCompletionSource();
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));
        var running = supervisor.RunAsync();
        await WaitUntilAsync(() => _backend.Provisions.Count == 1 && _store.ListInstances(run.Id).Any(i => i.Status == InstanceStatus.Running));

        _store.RequestStop(run.Id, StopRequest.Stop);
        supervisor.OnStopSignal();
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Terminated, final.Status);
        Assert.Empty(_store.ListJobs(run.Id));
        Assert.Contains("stopped while uploading the code; the job was not started", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Terminated, Assert.Single(_store.ListInstances(run.Id)).Status);
    }

    [Fact]
    public async Task ProvisioningFails_TheRunFailsToStart_TheInstanceRecordSaysFailed_NoJobStarts()
    {
        _backend.NoCapacityFor.Add("small");
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));

        var final = await supervisor.RunAsync().WaitAsync(Limit);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal(TerminationReason.NoCapacity, final.Reason);
        Assert.Equal(InstanceStatus.Failed, Assert.Single(_store.ListInstances(run.Id)).Status);
        Assert.Empty(_store.ListJobs(run.Id));
        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Contains("no capacity for small", log, StringComparison.Ordinal);
        Assert.Contains("DSTK3017: no offer could be had for job 0 (tried small in fake-region-1)", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProvisioningThrowsTheProvidersOwnError_TheRunFailsToStart_WithItsReason_AndWhatItMayHaveMadeIsTerminated()
    {
        _backend.ProvisionProblem = new InvalidOperationException("UnauthorizedOperation: You are not authorized to perform this operation.");
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));

        var final = await supervisor.RunAsync().WaitAsync(Limit);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal(TerminationReason.StartFailed, final.Reason);
        // The provider may have made something before it threw: what the token names is terminated, not only marked failed.
        var instance = Assert.Single(_store.ListInstances(run.Id));
        Assert.Equal(InstanceStatus.Terminated, instance.Status);
        Assert.Equal(instance.Token, Assert.Single(_backend.Terminated).InstanceId);
        Assert.Empty(_store.ListJobs(run.Id));
        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Contains("dstack: provisioning small in fake-region-1 for job 0 failed: UnauthorizedOperation: You are not authorized to perform this operation.", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCapacity_OnTheTwoCheapestOffers_TheThirdIsUsed_AndTheLogSaysWhy()
    {
        _backend.NoCapacityFor.UnionWith(["small", "medium"]);
        var spec = Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)) with { Spares = [FakeBackend.Machine("medium", 2.0m), FakeBackend.Machine("big", 3.0m)] };
        var (run, controller) = Submit(spec);
        var running = controller.RunAsync();

        (await NextJobAsync()).Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Done, final.Status);
        Assert.Equal(["small", "medium", "big"], _backend.Provisions.Select(p => p.Request.Offer.Instance));
        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Contains("no capacity for small", log, StringComparison.Ordinal);
        Assert.Contains("trying the next offer: medium in fake-region-1, $2/h", log, StringComparison.Ordinal);
        Assert.Contains("trying the next offer: big in fake-region-1, $3/h", log, StringComparison.Ordinal);
        Assert.Equal([InstanceStatus.Failed, InstanceStatus.Failed, InstanceStatus.Terminated], _store.ListInstances(run.Id).Select(i => i.Status));
        Assert.Equal("big", Assert.Single(RunSpec.FromJson(_store.FindRun(run.Id)!.Spec).Placements).Instance);
    }

    [Fact]
    public async Task NoCapacity_WithRetryOnNoCapacity_TriesEveryOfferAgain_UntilOneHasCapacity()
    {
        _backend.NoCapacityFor.Add("only");
        var spec = Spec(nodes: 1, FakeBackend.Machine("only", 1.2m)) with { RetryOn = [RetryEvent.NoCapacity] };
        var (_, controller) = Submit(spec);
        controller.NoCapacityDelay = TimeSpan.FromMilliseconds(10);
        var running = controller.RunAsync();

        // At least one try found no capacity (the 10 ms pause may let more follow before the test frees it).
        await WaitUntilAsync(() => _backend.Provisions.Count >= 1);
        lock (_backend.NoCapacityFor)
        {
            _backend.NoCapacityFor.Clear();
        }

        (await NextJobAsync()).Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Done, final.Status);
        Assert.True(_backend.Provisions.Count >= 2, $"provisioned {_backend.Provisions.Count} times");
        Assert.Equal(_backend.Provisions.Count, final.Attempt);
    }

    [Fact]
    public async Task UploadFails_TheRunFailsToStart_WithTheHostsReason_AndTheInstanceIsTerminated()
    {
        _backend.UploadProblem = "the disk of small is full (0 bytes free); free some space on it";
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));

        var final = await supervisor.RunAsync().WaitAsync(Limit);

        Assert.Equal(TerminationReason.StartFailed, final.Reason);
        Assert.Contains($"{DiagnosticCodes.CodeUploadFailed}: the disk of small is full", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Terminated, Assert.Single(_store.ListInstances(run.Id)).Status);
    }

    [Fact]
    public async Task LostMachine_WithRetryOnInterruption_MovesTheJobToASpare_ProvisionedAfresh()
    {
        var spec = Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)) with { Spares = [FakeBackend.Machine("spare", 1.5m)], RetryOn = [RetryEvent.Interruption] };
        var (run, supervisor) = Submit(spec);
        var running = supervisor.RunAsync();

        (await NextJobAsync()).Lose("the host stopped answering for 2 minutes");
        var second = await NextJobAsync();
        second.Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Done, final.Status);
        Assert.Equal(2, final.Attempt);
        Assert.Equal(["small", "spare"], _backend.Provisions.Select(p => p.Request.Offer.Instance));
        Assert.True(_backend.Provisions[1].Request.Replacing);
        Assert.Contains("job 0 moves from small to spare", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
        Assert.All(_store.ListInstances(run.Id), i => Assert.Equal(InstanceStatus.Terminated, i.Status));
        Assert.Equal("spare", Assert.Single(RunSpec.FromJson(_store.FindRun(run.Id)!.Spec).Placements).Instance);
    }

    [Fact]
    public async Task LostMachine_WithoutRetry_FailsTheRun_NamingTheMachine()
    {
        var (run, supervisor) = Submit(Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)));
        var running = supervisor.RunAsync();

        (await NextJobAsync()).Lose("the host stopped answering for 2 minutes");
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal(TerminationReason.HostLost, final.Reason);
        Assert.Contains("a machine was lost (small)", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
        Assert.Single(_backend.Terminated);
    }

    [Fact]
    public async Task RetryOnError_RunsAgainOnTheSameMachines_WithoutProvisioningAgain()
    {
        var spec = Spec(nodes: 1, FakeBackend.Machine("small", 1.2m)) with { RetryOn = [RetryEvent.Error] };
        var (_, supervisor) = Submit(spec);
        var running = supervisor.RunAsync();

        (await NextJobAsync()).Exit(3);
        (await NextJobAsync()).Exit(0);
        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Done, final.Status);
        Assert.Equal(2, final.Attempt);
        Assert.Single(_backend.Provisions);
        Assert.Equal(2, Assert.Single(_backend.Hosts.Values).Uploads.Count);
    }

    [Fact]
    public async Task Plan_NoCapacityWithRetry_WaitsUntilTheHolderLetsGo_ThenPlacesTheRun()
    {
        _backend.Catalog.Add(FakeBackend.Machine("only", 1.0m, gpus: 1));
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), "type: task\ncommands: [echo]\nresources:\n  gpu: 1\nretry:\n  on_events: [no-capacity]\n  duration: 1m\n");
        var held = true;
        var waits = new List<RunProgress>();
        var request = new RunRequest(Path.Combine(_root, "project"), ".", null, new RunOverrides(), new Dictionary<string, string>(), _store.Home)
        {
            // "only" is held by another run until the first wait has been reported.
            InUse = () => held ? [new HeldPlacement(_backend.Catalog[0], "holder")] : [],
            Backends = () => new ConfiguredBackends(new OfferCatalog([_backend]), []),
        };

        var plan = await RunPlanner.PlanWaitingForCapacityAsync(request, new Recorder(p => { waits.Add(p); held = false; })).WaitAsync(Limit);

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        Assert.Equal("only", Assert.Single(plan.Spec!.Placements).Instance);
        Assert.Contains("no capacity", Assert.IsType<WaitingProgress>(Assert.Single(waits)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_NoCapacityWithoutRetry_FailsAtOnce()
    {
        _backend.Catalog.Add(FakeBackend.Machine("only", 1.0m, gpus: 1));
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), "type: task\ncommands: [echo]\nresources:\n  gpu: 1\n");
        var request = new RunRequest(Path.Combine(_root, "project"), ".", null, new RunOverrides(), new Dictionary<string, string>(), _store.Home)
        {
            InUse = () => [new HeldPlacement(_backend.Catalog[0], "holder")],
            Backends = () => new ConfiguredBackends(new OfferCatalog([_backend]), []),
        };

        var plan = await RunPlanner.PlanWaitingForCapacityAsync(request).WaitAsync(Limit);

        Assert.False(plan.CanRun);
    }

    private sealed class Recorder(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    private RunPlan Plan(string configuration)
    {
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), configuration);
        var noGpus = new LocalMachineFacts(
            () => new MachineResources(4, new Memory(16), new Memory(100), []),
            (_, _) => new PythonLookup("/usr/bin/python3", "3.11.2", []),
            () => new DockerProbe(false, null, "no Docker engine (a test machine)"));
        return RunPlanner.Plan(new RunRequest(Path.Combine(_root, "project"), ".", null, new RunOverrides(), new Dictionary<string, string>(), _store.Home)
        {
            Backends = () => new ConfiguredBackends(new OfferCatalog([new LocalBackend(noGpus), _backend]), []),
        });
    }

    [Fact]
    public async Task Run_ImagePulled_IsSaidInTheJobsLog_WithItsLayersAndSize_AndAsEvents()
    {
        _backend.ImageProgress = rank => rank == 0
            ? [new PullingProgress(0, "registry.example/app:1", "small"), new PullingProgress(0, "registry.example/app:1", "small", 1024, 3 * 1024 * 1024, 0, 2), new PullingProgress(0, "registry.example/app:1", "small", 3 * 1024 * 1024, 3 * 1024 * 1024, 2, 2)]
            : [];
        var (run, supervisor) = Submit(Spec(nodes: 2, FakeBackend.Machine("small", 1.2m), FakeBackend.Machine("medium", 2.0m)));

        var running = supervisor.RunAsync();
        (await NextJobAsync()).Exit(0);
        (await NextJobAsync()).Exit(0);
        Assert.Equal(RunStatus.Done, (await running.WaitAsync(Limit)).Status);

        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        var pulling = log.IndexOf("dstack: pulling registry.example/app:1 on small\n", StringComparison.Ordinal);
        Assert.True(pulling >= 0, log);
        Assert.Matches(@"dstack: pulled registry\.example/app:1 on small: 2 layers, 3 MB in \d+[.,]\d s\n", log[pulling..]);
        Assert.DoesNotContain("pull", File.ReadAllText(_store.Home.LogFile(run.Name, 1)), StringComparison.Ordinal);
        Assert.Equal(3, _store.ListRunEvents(run.Id).Count(e => e.Progress is PullingProgress { Rank: 0 }));
    }

    private RunSpec Spec(int nodes, params Offer[] placements) => new()
    {
        RunName = "lifecycle",
        Type = "task",
        ConfigurationPath = Path.Combine(_root, "project", ".dstack.yml"),
        RepoRoot = Path.Combine(_root, "project"),
        Script = "python train.py",
        Nodes = nodes,
        Placements = placements,
        StopDuration = 5,
    };

    private (RunRecord Run, RunController Supervisor) Submit(RunSpec spec)
    {
        var (run, _) = _store.CreateRun(spec.RunName, _ => spec.RunName, spec.ConfigurationPath, spec.RepoRoot, _ => spec.WithoutSecrets().ToJson(), DateTimeOffset.UtcNow);
        return (run, new RunController(_store, run, spec, new Dictionary<string, string>(), backends: name => name == FakeBackend.BackendName ? _backend : null));
    }

    private async Task<FakeJob> NextJobAsync() => await _backend.Started.Reader.ReadAsync().AsTask().WaitAsync(Limit);

    private Task WaitForStatusAsync(RunRecord run, RunStatus status) => WaitUntilAsync(() => _store.FindRun(run.Id)!.Status == status);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Delay(10);
        }
    }
}
