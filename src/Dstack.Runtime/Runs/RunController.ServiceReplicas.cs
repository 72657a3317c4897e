using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>A service's replicas: starting one (machine, code, port, job), its port and environment, stopping one and giving its machine back.</summary>
public sealed partial class RunController
{

    /// <summary>
    /// Starts replica <paramref name="rank"/>: its machine (provisioned when it has none), its code, its port (the
    /// service's port when no other replica on that machine has it, else a free one there), its job. Null, with the
    /// reason in its log, when it cannot be started.
    /// </summary>
    private async Task<Replica?> StartReplicaAsync(int rank, int attempt, ServiceSpec service, long order, Task previousTurn, TaskCompletionSource turn, CancellationToken cancellationToken)
    {
        try
        {
            return await StartReplicaInTurnAsync(rank, attempt, service, order, previousTurn, turn, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            turn.TrySetResult();
        }
    }

    private async Task<Replica?> StartReplicaInTurnAsync(int rank, int attempt, ServiceSpec service, long order, Task previousTurn, TaskCompletionSource turn, CancellationToken cancellationToken)
    {
        if (_machines[rank] is null)
        {
            var offer = PlacementOf(rank);
            var (machine, _) = await ProvisionAsync(rank, offer, replacing: false, cancellationToken).ConfigureAwait(false);
            if (machine is null)
            {
                return null;
            }

            _machines[rank] = machine;
        }

        var host = HostOf(rank);
        JobCode code;
        try
        {
            if (host.Connect() is { } unreachable)
            {
                Event(rank, $"dstack: {unreachable.Code}: {unreachable.Message}");
                return null;
            }

            var snapshot = ScanCode();
            Event(rank, host.IsThisMachine ? $"dstack: copying the code of {_spec.RepoRoot} for replica {rank}" : $"dstack: uploading the code of {_spec.RepoRoot} to {host.Name} for replica {rank}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sent = new SentBytes(bytes => Progress.Report(new UploadProgress(rank, host.Name, bytes, snapshot.TotalBytes)));
            code = await host.PrepareCodeAsync(snapshot, rank, sent, cancellationToken).ConfigureAwait(false);
            Progress.Report(new UploadedProgress(rank, host.Name, snapshot.TotalBytes, clock.Elapsed.TotalSeconds));
            await host.PrepareImageAsync(rank, new PullLines(Progress, line => Event(rank, line)), cancellationToken).ConfigureAwait(false);
        }
        catch (JobCodeException e)
        {
            Event(rank, $"dstack: {e.Code}: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is Snapshots.SnapshotException or IOException or UnauthorizedAccessException)
        {
            Event(rank, $"dstack: the code could not be read: {e.Message}");
            return null;
        }
        catch (JobStartException e)
        {
            Event(rank, $"dstack: {Diagnostics.DiagnosticCodes.ImageUnavailable}: {e.Message}");
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        await previousTurn.ConfigureAwait(false);
        var port = TakePort(rank, service.Port);
        turn.TrySetResult();
        var environment = ReplicaEnvironment(rank, port);
        IJobProcess process;
        try
        {
            process = host.StartJob(rank, code, environment);
        }
        catch (Exception e) when (e is JobStartException or IOException or UnauthorizedAccessException)
        {
            GiveBackPort(rank);
            Event(rank, e is Containers.ContainerStartException ? $"dstack: {Diagnostics.DiagnosticCodes.ContainerFailed}: {e.Message}" : $"dstack: {e.Message}");
            return null;
        }

        Event(rank, $"dstack: replica {rank} started; it listens on port {port} (${RunPlanner.ServicePortVariable})");
        Progress.Report(new RunningProgress(rank, host.Name));
        // One job record per replica, replaced when it starts again (the state lists a run's jobs of its latest attempt,
        // and replicas restart one by one): its earlier ends are in the status history and its log.
        _store.SaveJob(new JobRecord(_run.Id, rank, ReplicaRecordAttempt, RunStatus.Running, process.Pid, null, _time.GetUtcNow(), null, _machines[rank]!.RecordId));
        var replica = new Replica(rank, attempt, new RunningJob(rank, ReplicaRecordAttempt, process, Pump(rank, process)), port, order);
        if (_spec.Reload && code.LocalFolder is { } copy)
        {
            // Each replica has a working copy of its own: each gets the edits while it runs (the planner allows --reload only where the code is copied).
            Event(rank, $"dstack: --reload: changes in {_spec.RepoRoot} are copied into replica {rank}'s working copy");
            try
            {
                replica.Reload = Snapshots.FolderSync.Start(_spec.RepoRoot, copy, ReportReloadChange, Home.Root);
            }
            catch (Snapshots.SnapshotException e)
            {
                Event(rank, $"dstack: --reload: edits cannot reach replica {rank}: {e.Message}");
            }
        }

        return replica;
    }

    /// <summary>The port each replica was given, with the machine it runs on, while it runs.</summary>
    private readonly Dictionary<int, (string Machine, int Port)> _replicaPorts = [];
    private readonly Lock _replicaPortsGate = new();

    /// <summary>
    /// The port replica <paramref name="rank"/> listens on: the service's port when no other replica on its machine
    /// has it, else one free there (held until <see cref="GiveBackPort"/>).
    /// </summary>
    private int TakePort(int rank, int servicePort)
    {
        var machine = MachineKey(rank);
        lock (_replicaPortsGate)
        {
            var taken = _replicaPorts.Where(p => p.Key != rank && p.Value.Machine == machine).Select(p => p.Value.Port).ToHashSet();
            var port = taken.Contains(servicePort) ? HostOf(rank).FreePort(rank, [.. taken, servicePort]) : servicePort;
            _replicaPorts[rank] = (machine, port);
            return port;
        }
    }

    private void GiveBackPort(int rank)
    {
        lock (_replicaPortsGate)
        {
            _replicaPorts.Remove(rank);
        }
    }

    /// <summary>A replica's environment: a job's, with the port it listens on and its number.</summary>
    private Dictionary<string, string> ReplicaEnvironment(int rank, int port)
    {
        var host = HostOf(rank);
        var ranks = Enumerable.Range(0, _spec.Nodes).ToList();
        var topology = JobTopology.Of(
            [.. ranks.Select(r => _machines[r]?.Instance.Offer ?? (r < _spec.Placements.Count ? _spec.Placements[r] : Backends.BackendRegistry.DefaultPlacement))],
            [.. ranks.Select(r => _machines[r]?.Instance.Address ?? "127.0.0.1")]);
        var environment = JobEnvironment.Build(_spec, rank, topology, host.BaseEnvironment, host.PathPrefix);
        environment[RunPlanner.ServicePortVariable] = port.ToString(CultureInfo.InvariantCulture);
        environment["DSTACK_REPLICA_NUM"] = rank.ToString(CultureInfo.InvariantCulture);
        return JobToken.Mark(environment, Home, _run, rank);
    }

    /// <summary>Which machine replica <paramref name="rank"/> runs on, for sharing its ports: this machine, or an instance.</summary>
    private string MachineKey(int rank) => _machines[rank] is { } machine
        ? machine.Host.IsThisMachine ? "this machine" : $"{machine.Instance.Offer.Backend}/{machine.Instance.InstanceId}/{machine.Instance.Address}"
        : $"rank {rank}";

    /// <summary>Stops one replica gracefully (SIGTERM, then SIGKILL after stop_duration) and records it terminated.</summary>
    private async Task StopReplicaAsync(Replica replica)
    {
        var process = replica.Job.Process;
        var running = !process.Exited.IsCompleted;
        if (running)
        {
            process.SignalGroup(Signals.Terminate);
            var limit = _spec.StopDuration is { } seconds ? Task.Delay(TimeSpan.FromSeconds(seconds), _time) : Task.Delay(Timeout.Infinite);
            if (await Task.WhenAny(process.Exited, limit).ConfigureAwait(false) != process.Exited)
            {
                Event(replica.Rank, $"dstack: replica {replica.Rank} did not stop within stop_duration: killing it");
                process.SignalGroup(Signals.Kill);
            }

            await process.Exited.ConfigureAwait(false);
        }

        replica.Reach?.Dispose();
        replica.Reload?.Dispose();
        await DrainAsync([replica.Job]).ConfigureAwait(false);
        RecordExit(replica.Job, running ? RunStatus.Terminated : null);
        GiveBackPort(replica.Rank);
    }

    /// <summary>
    /// Of <paramref name="ranks"/> (replicas without a machine), those whose placement is a machine that runs one run
    /// at a time (a pool host) and that another active run holds now: each with the host and that run's name.
    /// </summary>
    private Dictionary<int, string> HostsTakenByOtherRuns(IReadOnlyList<int> ranks)
    {
        var taken = new Dictionary<int, string>();
        var exclusive = ranks.Where(r => _machines[r] is null && _backendOf(PlacementOf(r).Backend) is { OneRunPerMachine: true }).ToList();
        if (exclusive.Count == 0)
        {
            return taken;
        }

        var held = RunMonitor.InUse(_store, reconcile: false).Where(h => h.RunName != _run.Name).ToList();
        foreach (var rank in exclusive)
        {
            var offer = PlacementOf(rank);
            if (held.FirstOrDefault(h => h.Offer.Backend == offer.Backend && h.Offer.Instance == offer.Instance) is { } other)
            {
                taken[rank] = $"{offer.ShownAs} (run {other.RunName})";
            }
        }

        return taken;
    }

    /// <summary>The offer replica <paramref name="rank"/> is provisioned from: its own placement, else the first.</summary>
    private Offers.Offer PlacementOf(int rank) =>
        rank < _spec.Placements.Count ? _spec.Placements[rank] : _spec.Placements.Count > 0 ? _spec.Placements[0] : Backends.BackendRegistry.DefaultPlacement;

    /// <summary>Gives back the machine of a replica scaled away (this machine's "instance" costs nothing to give back).</summary>
    private async Task ReleaseMachineAsync(int rank)
    {
        if (_machines[rank] is { } machine)
        {
            _machines[rank] = null;
            machine.Host.Dispose();
            await TerminateAsync(machine.RecordId, machine.Backend, machine.Instance).ConfigureAwait(false);
        }
    }
}
