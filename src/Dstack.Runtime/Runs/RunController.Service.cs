using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Services;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// A service (<c>type: service</c>): the controller hosts its endpoint (<see cref="ServiceEndpoint"/>, so it outlives
/// the CLI that started it) and runs its replicas, each a job of its own rank provisioned like a node. A replica joins
/// the endpoint once its port accepts a connection; the first one to do so publishes the URL. A replica that exits is
/// restarted when <c>retry</c> covers errors; otherwise the run ends as a task would. With <c>scaling</c>, the request
/// rate decides the count (<see cref="ServiceScaler"/>). docs/services.md states every rule.
/// </summary>
public sealed partial class RunController
{
    /// <summary>The controller's variable that shortens the window the request rate is averaged over (1 to 59 seconds; tests).</summary>
    public const string RateWindowVariable = "DSTACK_SERVICE_RATE_WINDOW_SECONDS";

    /// <summary>How long a request waits for a replica when none is in the endpoint (starting, or scaled to zero).</summary>
    internal static readonly TimeSpan HoldWhenNoReplica = TimeSpan.FromSeconds(60);

    /// <summary>The attempt every replica's job record has: a service is one attempt, its replicas restart within it.</summary>
    private const int ReplicaRecordAttempt = 1;

    private static readonly TimeSpan ServiceTick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReadinessPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a replica may take to listen on its port before it counts as failed.</summary>
    internal TimeSpan ReadinessLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Runs the service to its end: endpoint, replicas, restarts, scaling, then everything stopped.</summary>
    private async Task RunServiceAsync(ServiceSpec service)
    {
        _store.SetRunStatus(_run.Id, RunStatus.Provisioning, _time.GetUtcNow());
        while (_machines.Count < _spec.Nodes)
        {
            _machines.Add(null);
        }

        ServiceEndpoint endpoint;
        try
        {
            var token = service.Auth ? ServiceToken.GetOrCreate(Home) : null;
            endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions(_run.Name, ListenOf(service), new ReplicaSet(), token)
            {
                Model = service.Model?.ToModel(),
                HoldWhenNoReplica = HoldWhenNoReplica,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ChatTemplateException or FormatException)
        {
            Event(0, $"dstack: {Diagnostics.DiagnosticCodes.PortBusy}: the service's endpoint could not start: {e.Message}; free the port (or choose another with -p LOCAL:{service.Port}), or use --host with an address of this machine");
            Finish(RunStatus.Failed, TerminationReason.StartFailed, null);
            return;
        }

        AttemptResult result;
        await using (endpoint.ConfigureAwait(false))
        {
            result = await new ServiceRun(this, service, endpoint).RunAsync().ConfigureAwait(false);
        }

        // The endpoint is closed before the run is recorded as ended: whoever sees the end finds the port free.
        Finish(result.Status, result.Reason, result.ExitCode);
    }

    private static IPEndPoint ListenOf(ServiceSpec service)
    {
        var address = service.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(service.Host);
        return new IPEndPoint(address, service.LocalPort ?? 0);
    }

    /// <summary>The URL the service is published at: the endpoint's port on its address (127.0.0.1 for every-interface addresses).</summary>
    private static string UrlOf(ServiceSpec service, ServiceEndpoint endpoint)
    {
        var host = service.Host is "0.0.0.0" or "::" or "localhost" ? "127.0.0.1" : service.Host;
        return new UriBuilder("http", host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, endpoint.Address.Port, "/").Uri.ToString();
    }

    /// <summary>The window the request rate is averaged over: the last minute, or <see cref="RateWindowVariable"/>'s seconds.</summary>
    private TimeSpan RateWindow =>
        _controllerEnvironment.TryGetValue(RateWindowVariable, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 59
            ? TimeSpan.FromSeconds(seconds)
            : ServiceScaler.Window;

    /// <summary>One replica: its job, the port it was given, and the endpoint's way to it.</summary>
    private sealed class Replica(int rank, int attempt, RunningJob job, int port, long order)
    {
        public int Rank { get; } = rank;

        public int Attempt { get; } = attempt;

        public RunningJob Job { get; } = job;

        public int Port { get; } = port;

        /// <summary>The order replicas started in: scaling down stops the newest.</summary>
        public long Order { get; } = order;

        public ReachedPort? Reach { get; set; }

        public Task<bool> Ready { get; set; } = Task.FromResult(false);

        public CancellationTokenSource Cancel { get; } = new();

        public bool Joined { get; set; }

        /// <summary>Whether the end of <see cref="Ready"/> was dealt with (joined, or stopped for not listening).</summary>
        public bool ReadyTaken { get; set; }

        /// <summary>Whether a failure to reach its port was said in its log (said once).</summary>
        public bool ReachFailureSaid { get; set; }
    }

    /// <summary>The life of one service run: the loop that starts, watches, restarts, scales and stops its replicas.</summary>
    private sealed class ServiceRun(RunController controller, ServiceSpec service, ServiceEndpoint endpoint)
    {
        private readonly Dictionary<int, Replica> _live = [];
        private readonly Dictionary<int, (Task<Replica?> Task, CancellationTokenSource Cancel)> _starting = [];
        private readonly Dictionary<int, DateTimeOffset> _restarts = [];
        private readonly Dictionary<int, Task> _stopping = [];
        private readonly Dictionary<int, int> _attempts = [];
        private readonly ServiceScaler? _scaler = service.Scaler;
        private long _order;
        private Task _portTurn = Task.CompletedTask;
        private bool _published;
        private DateTimeOffset? _firstFailure;

        private RunSpec Spec => controller._spec;

        private DateTimeOffset Now => controller._time.GetUtcNow();

        /// <summary>Replicas running, starting or about to restart: what the scaler counts.</summary>
        private int Current => _live.Count + _starting.Count + _restarts.Count;

        public async Task<AttemptResult> RunAsync()
        {
            var first = _scaler is null ? service.MaxReplicas : service.MinReplicas;
            for (var rank = 0; rank < first && rank < Spec.Nodes; rank++)
            {
                Start(rank);
            }

            if (first == 0)
            {
                controller.Event(0, $"dstack: the service runs no replica until a request comes (replicas: {service.MinReplicas}..{service.MaxReplicas}); its endpoint listens at {UrlOf(service, endpoint)}");
                Publish(0);
            }

            var started = Now;
            var maxDuration = Spec.MaxDuration is { } seconds
                ? Task.Delay(Max(TimeSpan.Zero, started + TimeSpan.FromSeconds(seconds) - Now), controller._time)
                : Task.Delay(Timeout.Infinite);
            var lastChange = started;
            AttemptResult? outcome = null;
            while (outcome is null)
            {
                var waits = new List<Task> { controller._stopRequested.Task, maxDuration, Task.Delay(ServiceTick, controller._time) };
                waits.AddRange(_starting.Values.Select(s => (Task)s.Task));
                waits.AddRange(_live.Values.Select(r => (Task)r.Job.Process.Exited));
                waits.AddRange(_live.Values.Where(r => !r.ReadyTaken).Select(r => (Task)r.Ready));
                await Task.WhenAny(waits).ConfigureAwait(false);
                if (controller._stopRequested.Task.IsCompleted)
                {
                    var kind = await controller._stopRequested.Task.ConfigureAwait(false);
                    outcome = await StopAllAsync(kind).ConfigureAwait(false);
                    break;
                }

                if (maxDuration.IsCompleted)
                {
                    controller.Event(0, $"dstack: max_duration ({new Duration(Spec.MaxDuration)}) reached: stopping the service");
                    await StopAllAsync(StopRequest.Stop).ConfigureAwait(false);
                    outcome = new AttemptResult(RunStatus.Terminated, TerminationReason.MaxDurationExceeded, null);
                    break;
                }

                outcome = await TakeStartsAsync().ConfigureAwait(false);
                TakeReadiness();
                outcome ??= await TakeExitsAsync().ConfigureAwait(false);
                if (outcome is not null)
                {
                    await StopAllAsync(StopRequest.Stop, outcome).ConfigureAwait(false);
                    break;
                }

                foreach (var rank in _stopping.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList())
                {
                    await _stopping[rank].ConfigureAwait(false);
                    _stopping.Remove(rank);
                }

                foreach (var rank in _restarts.Where(r => r.Value <= Now).Select(r => r.Key).ToList())
                {
                    _restarts.Remove(rank);
                    Start(rank);
                }

                if (_scaler is not null)
                {
                    lastChange = Scale(_scaler, lastChange);
                }
                else if (Current == 0 && _stopping.Count == 0)
                {
                    // Every replica ended on its own with code 0 and none restarts: the service is done.
                    outcome = new AttemptResult(RunStatus.Done, TerminationReason.AllJobsDone, 0);
                }
            }

            await Task.WhenAll(_stopping.Values).ConfigureAwait(false);
            return outcome;
        }

        private void Start(int rank)
        {
            var attempt = _attempts[rank] = _attempts.GetValueOrDefault(rank) + 1;
            var cancel = new CancellationTokenSource();

            // Replicas take their ports in the order they were started: the first on a machine gets the service's port.
            var previous = _portTurn;
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _portTurn = turn.Task;
            _starting[rank] = (Task.Run(() => controller.StartReplicaAsync(rank, attempt, service, ++_order, previous, turn, cancel.Token)), cancel);
        }

        private async Task<AttemptResult?> TakeStartsAsync()
        {
            foreach (var (rank, start) in _starting.Where(s => s.Value.Task.IsCompleted).ToList())
            {
                _starting.Remove(rank);
                start.Cancel.Dispose();
                var replica = await start.Task.ConfigureAwait(false);
                if (replica is not null)
                {
                    _live[rank] = replica;
                    replica.Ready = Task.Run(() => controller.WaitUntilListeningAsync(replica, replica.Cancel.Token));
                }
                else if (Failed(rank, null, "could not be started") is { } failed)
                {
                    return failed;
                }
            }

            return null;
        }

        private void TakeReadiness()
        {
            foreach (var replica in _live.Values.Where(r => !r.ReadyTaken && r.Ready.IsCompleted))
            {
                replica.ReadyTaken = true;
                if (replica.Ready.Result && replica.Reach is { } reach)
                {
                    replica.Joined = true;
                    endpoint.Replicas.Add(new ServiceReplica(replica.Rank, reach.Address));
                    controller.Event(replica.Rank, $"dstack: replica {replica.Rank} listens on port {replica.Port}; the endpoint sends it requests");
                    Publish(replica.Rank);
                }
                else if (!replica.Job.Process.Exited.IsCompleted && !replica.Cancel.IsCancellationRequested)
                {
                    controller.Event(replica.Rank, $"dstack: replica {replica.Rank} did not listen on port {replica.Port} within {controller.ReadinessLimit.TotalMinutes:0} minutes; stopping it");
                    replica.Job.Process.SignalGroup(Signals.Kill);
                }
            }
        }

        private void Publish(int rank)
        {
            if (_published)
            {
                return;
            }

            _published = true;
            var url = UrlOf(service, endpoint);
            controller._store.SetRunStatus(controller._run.Id, RunStatus.Running, Now);
            controller._store.SetRunEndpoint(controller._run.Id, RunEndpointKind.Service, url);
            controller.Progress.Report(new EndpointProgress(rank, RunEndpointKind.Service, url));
            controller.Event(0, $"dstack: the service is up at {url}{(service.Auth ? "; requests need `Authorization: Bearer TOKEN` (dstack service token prints it)" : string.Empty)}");
        }

        private async Task<AttemptResult?> TakeExitsAsync()
        {
            foreach (var replica in _live.Values.Where(r => r.Job.Process.Exited.IsCompleted).ToList())
            {
                await EndAsync(replica).ConfigureAwait(false);
                controller.RecordExit(replica.Job);
                var code = replica.Job.Process.Exited.Result;
                var lost = replica.Job.Process.LostReason;
                controller.Event(replica.Rank, lost is not null
                    ? $"dstack: {Diagnostics.DiagnosticCodes.HostLost}: replica {replica.Rank} is lost: {lost}"
                    : $"dstack: replica {replica.Rank} exited with code {code}");
                if (code == 0 && lost is null)
                {
                    continue;
                }

                if (lost is not null)
                {
                    // Its machine is gone: a restart provisions another (the same offer).
                    await controller.ReleaseMachineAsync(replica.Rank).ConfigureAwait(false);
                }

                if (Failed(replica.Rank, code, lost is null ? $"exited with code {code}" : "was lost", lost is not null) is { } failed)
                {
                    return failed with { Reason = lost is null ? TerminationReason.JobFailed : TerminationReason.HostLost };
                }
            }

            return null;
        }

        /// <summary>A replica failed: null when it restarts (retry covers errors, within retry.duration), else the run's end.</summary>
        private AttemptResult? Failed(int rank, int? code, string what, bool lost = false)
        {
            var now = Now;
            if (controller._spec.Retries(RetryEvent.Error) || (lost && controller._spec.Retries(RetryEvent.Interruption)))
            {
                _firstFailure ??= now;
                if (now - _firstFailure.Value <= TimeSpan.FromSeconds(Spec.RetryDuration))
                {
                    controller.Event(rank, $"dstack: replica {rank} {what}; restarting it (attempt {_attempts.GetValueOrDefault(rank) + 1}), as retry.on_events includes {(lost && !controller._spec.Retries(RetryEvent.Error) ? "interruption" : "error")}");
                    _restarts[rank] = now + RetryDelay;
                    return null;
                }

                controller.Event(rank, $"dstack: not restarting replica {rank}: replicas have been failing for longer than retry.duration ({new Duration(Spec.RetryDuration)})");
            }

            controller.Event(rank, $"dstack: replica {rank} {what}; stopping the service (add `retry: {{on_events: [error]}}` to restart replicas that fail)");
            return new AttemptResult(RunStatus.Failed, code is null ? TerminationReason.StartFailed : TerminationReason.JobFailed, code);
        }

        private DateTimeOffset Scale(ServiceScaler scaler, DateTimeOffset lastChange)
        {
            var current = Current;
            var rate = endpoint.Rate.PerSecond(controller.RateWindow);
            var decision = scaler.Decide(current, rate, endpoint.Waiting > 0, Now, lastChange);
            if (decision.Replicas > current)
            {
                controller.Event(0, $"dstack: scaling up from {current} to {decision.Replicas} replicas: {decision.Why}");
                var free = Enumerable.Range(0, Spec.Nodes).Where(r => !_live.ContainsKey(r) && !_starting.ContainsKey(r) && !_restarts.ContainsKey(r) && !_stopping.ContainsKey(r));
                foreach (var rank in free.Take(decision.Replicas - current).ToList())
                {
                    Start(rank);
                }

                return Now;
            }

            if (decision.Replicas < current)
            {
                controller.Event(0, $"dstack: scaling down from {current} to {decision.Replicas} replicas: {decision.Why}");
                for (var n = current - decision.Replicas; n > 0; n--)
                {
                    StopNewest();
                }

                return Now;
            }

            return lastChange;
        }

        /// <summary>Stops the newest replica: one waiting to restart, else one still starting, else the newest running one (out of the endpoint first).</summary>
        private void StopNewest()
        {
            if (_restarts.Count > 0)
            {
                _restarts.Remove(_restarts.Keys.Max());
                return;
            }

            if (_live.Count == 0 && _starting.Count > 0)
            {
                // A start is cut short; whatever it started is stopped as it ends.
                var (rank, start) = _starting.MaxBy(s => s.Key);
                _starting.Remove(rank);
                start.Cancel.Cancel();
                _stopping[rank] = Task.Run(async () =>
                {
                    if (await start.Task.ConfigureAwait(false) is { } started)
                    {
                        await controller.StopReplicaAsync(started).ConfigureAwait(false);
                    }

                    await controller.ReleaseMachineAsync(rank).ConfigureAwait(false);
                });
                return;
            }

            if (_live.Values.MaxBy(r => r.Order) is { } newest)
            {
                _live.Remove(newest.Rank);
                endpoint.Replicas.Remove(newest.Rank);
                controller.Event(newest.Rank, $"dstack: replica {newest.Rank} is scaled away: it takes no new request and is stopped");
                _stopping[newest.Rank] = Task.Run(async () =>
                {
                    await ForgetReachAsync(newest).ConfigureAwait(false);
                    await controller.StopReplicaAsync(newest).ConfigureAwait(false);
                    await controller.ReleaseMachineAsync(newest.Rank).ConfigureAwait(false);
                });
            }
        }

        /// <summary>Ends the readiness check (bounded: a forward being opened takes at most its own limit) and closes the way to the replica's port.</summary>
        private static async Task ForgetReachAsync(Replica replica)
        {
            await replica.Cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await replica.Ready.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            replica.Reach?.Dispose();
        }

        /// <summary>Takes an ended replica out of the endpoint and drains it.</summary>
        private async Task EndAsync(Replica replica)
        {
            _live.Remove(replica.Rank);
            endpoint.Replicas.Remove(replica.Rank);
            await ForgetReachAsync(replica).ConfigureAwait(false);
            await controller.DrainAsync([replica.Job]).ConfigureAwait(false);
            controller.GiveBackPort(replica.Rank);
        }

        /// <summary>Stops every replica (a stop, an abort, the run's end) and says how the run ends.</summary>
        private async Task<AttemptResult> StopAllAsync(StopRequest kind, AttemptResult? ending = null)
        {
            _restarts.Clear();
            foreach (var (_, start) in _starting)
            {
                await start.Cancel.CancelAsync().ConfigureAwait(false);
            }

            foreach (var (rank, start) in _starting.ToList())
            {
                if (await start.Task.ConfigureAwait(false) is { } started)
                {
                    _live[rank] = started;
                }

                start.Cancel.Dispose();
            }

            _starting.Clear();
            foreach (var replica in _live.Values)
            {
                endpoint.Replicas.Remove(replica.Rank);
                await replica.Cancel.CancelAsync().ConfigureAwait(false);
            }

            var jobs = _live.Values.Select(r => r.Job).ToList();
            var stopped = jobs.Where(j => !j.Process.Exited.IsCompleted).ToHashSet();
            await controller.StopJobsAsync(jobs, kind).ConfigureAwait(false);
            foreach (var replica in _live.Values)
            {
                await ForgetReachAsync(replica).ConfigureAwait(false);
            }

            await controller.DrainAsync(jobs).ConfigureAwait(false);
            var status = kind == StopRequest.Abort ? RunStatus.Aborted : RunStatus.Terminated;
            foreach (var job in jobs)
            {
                controller.RecordExit(job, stopped.Contains(job) ? status : null);
            }

            _live.Clear();
            return ending ?? (kind == StopRequest.Abort
                ? new AttemptResult(RunStatus.Aborted, TerminationReason.AbortedByUser, null)
                : new AttemptResult(RunStatus.Terminated, TerminationReason.StoppedByUser, null));
        }
    }

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
            var offer = rank < _spec.Placements.Count ? _spec.Placements[rank] : _spec.Placements.Count > 0 ? _spec.Placements[0] : Backends.BackendRegistry.DefaultPlacement;
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
        return new Replica(rank, attempt, new RunningJob(rank, ReplicaRecordAttempt, process, Pump(rank, process)), port, order);
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

    /// <summary>
    /// True once the replica's port takes a connection (polled every 250 ms, for <see cref="ReadinessLimit"/> at most);
    /// false when the replica ended or the limit passed. Through a forward, a connection the far end closes at once
    /// (nothing listens there yet) does not count.
    /// </summary>
    private async Task<bool> WaitUntilListeningAsync(Replica replica, CancellationToken cancellationToken)
    {
        var host = HostOf(replica.Rank);
        var deadline = _time.GetUtcNow() + ReadinessLimit;
        while (!cancellationToken.IsCancellationRequested && !replica.Job.Process.Exited.IsCompleted && _time.GetUtcNow() < deadline)
        {
            try
            {
                replica.Reach ??= await Task.Run(() => host.ReachPort(replica.Rank, replica.Port), cancellationToken).ConfigureAwait(false);
                if (await AnswersAsync(replica.Reach.LocalPort, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (IOException e) when (!replica.ReachFailureSaid)
            {
                replica.ReachFailureSaid = true;
                Event(replica.Rank, $"dstack: replica {replica.Rank}'s port {replica.Port} cannot be reached yet (trying again until it listens): {e.Message}");
            }
            catch (IOException)
            {
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            try
            {
                await Task.Delay(ReadinessPoll, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }

        // A forward accepts at once and closes when its far end refuses: an end of stream within a moment is a refusal.
        var buffer = new byte[1];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMilliseconds(300));
        try
        {
            return await client.GetStream().ReadAsync(buffer, wait.Token).ConfigureAwait(false) > 0;
        }
        catch (OperationCanceledException)
        {
            return !cancellationToken.IsCancellationRequested;
        }
        catch (IOException)
        {
            return false;
        }
    }

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
        await DrainAsync([replica.Job]).ConfigureAwait(false);
        RecordExit(replica.Job, running ? RunStatus.Terminated : null);
        GiveBackPort(replica.Rank);
    }

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
