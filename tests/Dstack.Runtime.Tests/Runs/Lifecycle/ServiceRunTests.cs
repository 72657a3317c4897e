using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Services;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A service run by the controller against the fake backend: each replica a job of its own machine, reached through the
/// host (a small HTTP app on loopback stands for each replica's port), the URL published once a replica answers,
/// requests balanced, a replica that exits restarted per <c>retry</c> or ending the run, and a stop that ends every
/// replica, closes the endpoint and gives every machine back. In-process, but the endpoint listens on loopback.
/// </summary>
public sealed class ServiceRunTests : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-service-").FullName;
    private readonly StateStore _store;
    private readonly FakeBackend _backend;
    private readonly List<TestReplica> _replicas = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public ServiceRunTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "project"));
        File.WriteAllText(Path.Combine(_root, "project", "app.py"), "print('hi')\n");
        _store = StateStore.Open(new DstackHome(Path.Combine(_root, "home")));
        _backend = new FakeBackend(_store) { ReplicaAddress = (rank, _) => _replicas[rank].Address };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Service_ReplicasJoinWhenTheyListen_TheUrlIsPublished_RequestsAreBalanced_AndAStopEndsEverything()
    {
        await StartReplicasAsync(2);
        var (run, controller) = Submit(Spec(replicas: 2));

        var running = controller.RunAsync();
        var jobs = new[] { await NextJobAsync(), await NextJobAsync() }.OrderBy(j => j.Rank).ToList();
        var url = await WaitForUrlAsync(run);

        // Each replica is on a machine of its own: both listen on the service's port; each knows its number.
        Assert.All(jobs, j => Assert.Equal("8000", j.Environment["DSTACK_SERVICE_PORT"]));
        Assert.Equal(["0", "1"], jobs.Select(j => j.Environment["DSTACK_REPLICA_NUM"]));
        Assert.Equal(RunStatus.Running, _store.FindRun(run.Id)!.Status);
        var endpoint = _store.ListRunEvents(run.Id).Select(e => e.Progress).OfType<EndpointProgress>().Single();
        Assert.Equal((RunEndpointKind.Service, url), (endpoint.Kind, endpoint.Address));
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

        // Both replicas take requests once both joined.
        await WaitUntilAsync(async () =>
        {
            await _http.GetStringAsync(url);
            return _replicas.All(r => r.Hits > 0);
        });

        var final = await StopAsync(run, controller, running, StopRequest.Stop);

        Assert.Equal(RunStatus.Terminated, final.Status);
        Assert.All(jobs, j => Assert.Contains(Dstack.Runtime.Processes.Signals.Terminate, j.Signals));
        Assert.Empty(_store.ListRunEndpoints(run.Id));
        Assert.False(Listens(new Uri(url).Port), "the endpoint still listens after the run ended");
        Assert.All(_store.ListInstances(run.Id), i => Assert.Equal(InstanceStatus.Terminated, i.Status));
        Assert.All(_backend.Hosts.Values, h => Assert.True(h.Disposed));
        Assert.All(_backend.Hosts.Values, h => Assert.Equal(h.Reached.Count, h.ReachedClosed));
        Assert.All(_store.ListJobs(run.Id), j => Assert.Equal(RunStatus.Terminated, j.Status));
    }

    [Fact]
    public async Task Service_AReplicaThatExits_IsRestartedWhenRetryCoversErrors_AndKeepsItsNumber()
    {
        await StartReplicasAsync(2);
        var (run, controller) = Submit(Spec(replicas: 2) with { RetryOn = [RetryEvent.Error], RetryDuration = 600 });

        var running = controller.RunAsync();
        var jobs = new[] { await NextJobAsync(), await NextJobAsync() }.OrderBy(j => j.Rank).ToList();
        await WaitForUrlAsync(run);
        jobs[1].Exit(3);
        var again = await NextJobAsync();

        Assert.Equal(1, again.Rank);
        Assert.Equal("1", again.Environment["DSTACK_REPLICA_NUM"]);
        Assert.False(jobs[0].Exited.IsCompleted);
        // Each replica is listed once, as it is now; its failure is in its log.
        await WaitUntilAsync(() => Task.FromResult(_store.ListJobs(run.Id).Count(j => j.Status == RunStatus.Running) == 2));
        Assert.Contains("replica 1 exited with code 3", File.ReadAllText(_store.Home.LogFile(run.Name, 1)), StringComparison.Ordinal);
        Assert.Contains("restarting it (attempt 2), as retry.on_events includes error", File.ReadAllText(_store.Home.LogFile(run.Name, 1)), StringComparison.Ordinal);
        Assert.Equal(RunStatus.Running, _store.FindRun(run.Id)!.Status);

        Assert.Equal(RunStatus.Terminated, (await StopAsync(run, controller, running, StopRequest.Stop)).Status);
    }

    [Fact]
    public async Task Service_AReplicaThatExitsWithoutRetry_EndsTheRunFailedWithItsCode_AndStopsTheOthers()
    {
        await StartReplicasAsync(2);
        var (run, controller) = Submit(Spec(replicas: 2));

        var running = controller.RunAsync();
        var jobs = new[] { await NextJobAsync(), await NextJobAsync() }.OrderBy(j => j.Rank).ToList();
        var url = await WaitForUrlAsync(run);
        jobs[0].Exit(7);
        var final = await running.WaitAsync(Limit);

        Assert.Equal((RunStatus.Failed, TerminationReason.JobFailed, 7), (final.Status, final.Reason, final.ExitCode));
        Assert.Contains(Dstack.Runtime.Processes.Signals.Terminate, jobs[1].Signals);
        Assert.Empty(_store.ListRunEndpoints(run.Id));
        Assert.False(Listens(new Uri(url).Port));
        Assert.Contains("add `retry: {on_events: [error]}`", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_UntilAReplicaListens_NoUrlIsPublished_AndTheRunIsNotRunning()
    {
        // Replica 0's "port" refuses until the app starts.
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        _backend.ReplicaAddress = (_, _) => new Uri($"http://127.0.0.1:{port}/");
        var (run, controller) = Submit(Spec(replicas: 1));

        var running = controller.RunAsync();
        await NextJobAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Empty(_store.ListRunEndpoints(run.Id));
        Assert.NotEqual(RunStatus.Running, _store.FindRun(run.Id)!.Status);

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await WaitForUrlAsync(run);
        Assert.Equal(RunStatus.Running, _store.FindRun(run.Id)!.Status);

        Assert.Equal(RunStatus.Aborted, (await StopAsync(run, controller, running, StopRequest.Abort)).Status);
    }

    [Fact]
    public async Task Service_Scaling_AddsAReplicaUnderLoad_AndRemovesTheNewestWhenIdle_GivingItsMachineBack()
    {
        await StartReplicasAsync(2);
        var spec = Spec(replicas: 2) with
        {
            Service = new ServiceSpec { Port = 8000, Auth = false, MinReplicas = 1, MaxReplicas = 2, Target = 1, ScaleUpDelay = 0, ScaleDownDelay = 0 },
        };
        var (run, controller) = Submit(spec, new Dictionary<string, string> { [RunController.RateWindowVariable] = "1" });

        var running = controller.RunAsync();
        var first = await NextJobAsync();
        var url = await WaitForUrlAsync(run);
        Assert.Single(_backend.Provisions);

        // Load: well above one request per second for the one replica.
        var load = new CancellationTokenSource();
        var loading = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                await _http.GetStringAsync(url);
                await Task.Delay(20);
            }
        });
        var second = await NextJobAsync();
        await load.CancelAsync();
        await loading;

        Assert.Equal(1, second.Rank);
        Assert.Equal(2, _backend.Provisions.Count);
        Assert.Contains("scaling up from 1 to 2 replicas", File.ReadAllText(_store.Home.LogFile(run.Name, 0)), StringComparison.Ordinal);

        // Idle: the newest replica is stopped gracefully and its machine terminated; the first keeps running.
        await WaitUntilAsync(() => Task.FromResult(second.Exited.IsCompleted));
        Assert.Equal(Dstack.Runtime.Processes.Signals.Terminate, second.Signals[0]);
        Assert.False(first.Exited.IsCompleted);
        await WaitUntilAsync(() => Task.FromResult(_store.ListInstances(run.Id).Single(i => i.JobNum == 1).Status == InstanceStatus.Terminated));
        Assert.Equal(InstanceStatus.Running, _store.ListInstances(run.Id).Single(i => i.JobNum == 0).Status);
        Assert.Contains(_store.ListJobs(run.Id), j => j.JobNum == 1 && j.Status == RunStatus.Terminated);

        Assert.Equal(RunStatus.Terminated, (await StopAsync(run, controller, running, StopRequest.Stop)).Status);
        Assert.All(_store.ListInstances(run.Id), i => Assert.Equal(InstanceStatus.Terminated, i.Status));
    }

    [Fact]
    public async Task Service_ScaledToZero_FreesItsHostForOtherRuns_AndScalesUpOntoItOnlyOnceTheRunThatTookItEnds()
    {
        await StartReplicasAsync(1);
        var spec = Spec(replicas: 1) with
        {
            Service = new ServiceSpec { Port = 8000, Auth = false, MinReplicas = 0, MaxReplicas = 1, Target = 1, ScaleUpDelay = 0, ScaleDownDelay = 2 },
        };
        var (run, controller) = Submit(spec, new Dictionary<string, string> { [RunController.RateWindowVariable] = "1" });

        var running = controller.RunAsync();
        var url = await WaitForUrlAsync(run);
        Assert.DoesNotContain(RunMonitor.InUse(_store, reconcile: false), h => h.RunName == "svc");

        // A request starts replica 0 on m0: m0 is held while it runs, and free again once it is scaled away.
        Assert.Equal("replica 0", await _http.GetStringAsync(url));
        Assert.Contains(RunMonitor.InUse(_store, reconcile: false), h => h.RunName == "svc" && h.Offer.Instance == "m0");
        await WaitUntilAsync(() => Task.FromResult(_store.ListInstances(run.Id).All(i => i.Status == InstanceStatus.Terminated)));
        Assert.DoesNotContain(RunMonitor.InUse(_store, reconcile: false), h => h.RunName == "svc");

        // Another run takes m0: a request waits, and the service does not start a replica on the other run's machine.
        var otherSpec = Spec(replicas: 1) with { RunName = "other", Type = "task", Service = null };
        var (other, _) = _store.CreateRun("other", _ => "other", otherSpec.ConfigurationPath, otherSpec.RepoRoot, _ => otherSpec.ToJson(), DateTimeOffset.UtcNow);
        var provisions = _backend.Provisions.Count;
        var waiting = _http.GetStringAsync(url);
        await WaitUntilAsync(() => Task.FromResult(File.ReadAllText(_store.Home.LogFile(run.Name, 0)).Contains("other runs hold the hosts they would run on (replica 0's host m0 (run other))", StringComparison.Ordinal)));
        Assert.Equal(provisions, _backend.Provisions.Count);
        Assert.False(waiting.IsCompleted);

        // That run ends: the replica starts on m0 and the waiting request is answered.
        _store.SetRunStatus(other.Id, RunStatus.Done, DateTimeOffset.UtcNow);
        Assert.Equal("replica 0", await waiting.WaitAsync(Limit));
        Assert.Equal(provisions + 1, _backend.Provisions.Count);

        Assert.Equal(RunStatus.Terminated, (await StopAsync(run, controller, running, StopRequest.Stop)).Status);
    }

    private async Task StartReplicasAsync(int count)
    {
        for (var n = 0; n < count; n++)
        {
            _replicas.Add(await TestReplica.StartAsync(n));
        }
    }

    private RunSpec Spec(int replicas) => new()
    {
        RunName = "svc",
        Type = "service",
        ConfigurationPath = Path.Combine(_root, "project", ".dstack.yml"),
        RepoRoot = Path.Combine(_root, "project"),
        Script = "python app.py",
        Nodes = replicas,
        Placements = [.. Enumerable.Range(0, replicas).Select(n => FakeBackend.Machine($"m{n}", 1.0m))],
        StopDuration = 5,
        Service = new ServiceSpec { Port = 8000, Auth = false, MinReplicas = replicas, MaxReplicas = replicas },
    };

    private (RunRecord Run, RunController Controller) Submit(RunSpec spec, Dictionary<string, string>? environment = null)
    {
        var (run, _) = _store.CreateRun(spec.RunName, _ => spec.RunName, spec.ConfigurationPath, spec.RepoRoot, _ => spec.WithoutSecrets().ToJson(), DateTimeOffset.UtcNow);
        return (run, new RunController(_store, run, spec, environment ?? [], backends: name => name == FakeBackend.BackendName ? _backend : null));
    }

    /// <summary>Asks the controller to stop the run (as <c>dstack stop</c> does) and waits for the run's end.</summary>
    private async Task<RunRecord> StopAsync(RunRecord run, RunController controller, Task<RunRecord> running, StopRequest kind)
    {
        _store.RequestStop(run.Id, kind);
        controller.OnStopSignal();
        return await running.WaitAsync(Limit);
    }

    private async Task<FakeJob> NextJobAsync() => await _backend.Started.Reader.ReadAsync().AsTask().WaitAsync(Limit);

    private async Task<string> WaitForUrlAsync(RunRecord run)
    {
        string? url = null;
        await WaitUntilAsync(() => Task.FromResult((url = _store.ListRunEndpoints(run.Id).FirstOrDefault(e => e.Kind == RunEndpointKind.Service)?.Address) is not null));
        return url!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Delay(20);
        }
    }

    private static bool Listens(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
