using System.Globalization;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Looks after runs from outside their controller: notices a controller that died (the machine rebooted, it was killed) and
/// records the run as failed after killing what is left of its jobs; asks a controller to stop or abort.
/// </summary>
public static class RunMonitor
{
    /// <summary>How long a submitted run may wait for its controller to start before it counts as lost.</summary>
    private static readonly TimeSpan ControllerStartLimit = TimeSpan.FromSeconds(60);

    /// <summary>The run as it really is: an active run whose controller is gone is marked failed (controller_lost) first.</summary>
    public static RunRecord Reconcile(StateStore store, RunRecord run, TimeProvider? time = null)
    {
        if (run.Status.IsFinished())
        {
            return run;
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var alive = run.ControllerPid is { } pid ? IsController(pid) : now - run.SubmittedAt < ControllerStartLimit;
        if (alive)
        {
            return run;
        }

        KillJobs(store, run, Signals.Kill);
        RunController.TryDeleteCode(store.Home, run.Name);
        store.SetRunStatus(run.Id, RunStatus.Failed, now, TerminationReason.ControllerLost);
        return store.FindRun(run.Id) ?? run;
    }

    /// <summary>Asks the run to stop (gracefully within stop_duration) or abort; false when it had already finished.</summary>
    public static bool RequestStop(StateStore store, RunRecord run, bool abort, TimeProvider? time = null)
    {
        run = Reconcile(store, run, time);
        if (run.Status.IsFinished() || !store.RequestStop(run.Id, abort ? StopRequest.Abort : StopRequest.Stop))
        {
            return false;
        }

        if (run.ControllerPid is { } pid && IsController(pid))
        {
            Signals.SignalProcess(pid, Signals.Terminate);
        }
        else
        {
            // The controller has not started yet, or is gone: do its work here.
            KillJobs(store, run, Signals.Kill);
            store.SetRunStatus(run.Id, abort ? RunStatus.Aborted : RunStatus.Terminated, (time ?? TimeProvider.System).GetUtcNow(), abort ? TerminationReason.AbortedByUser : TerminationReason.StoppedByUser);
        }

        return true;
    }

    /// <summary>How long an abort waits for the controller to end the run before it does the controller's work itself (<see cref="ForceAbort"/>).</summary>
    public static readonly TimeSpan AbortLimit = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Follows an abort already asked for (<see cref="RequestStop"/>) to its end: when the controller has not ended the
    /// run within <see cref="AbortLimit"/> (it hangs, or was stopped), <see cref="ForceAbort"/> ends it. So an abort
    /// always ends the run. Returns the latest record, and whether it had to be forced.
    /// </summary>
    public static async Task<(RunRecord Run, bool Forced)> CompleteAbortAsync(StateStore store, RunRecord run, CancellationToken cancellationToken = default)
    {
        var final = await WaitAsync(store, run, AbortLimit, cancellationToken).ConfigureAwait(false);
        return final.Status.IsFinished() || cancellationToken.IsCancellationRequested ? (final, false) : (ForceAbort(store, final), true);
    }

    /// <summary>
    /// Ends an aborted run whose controller did not end it in time (it hangs, or was stopped with SIGSTOP): kills the
    /// controller, kills the jobs here (their groups, what they detached, their containers, on SSH hosts too), removes
    /// the working copy and records the run as aborted. Returns the run's latest record.
    /// </summary>
    public static RunRecord ForceAbort(StateStore store, RunRecord run, TimeProvider? time = null)
    {
        var current = store.FindRun(run.Id) ?? run;
        if (current.Status.IsFinished())
        {
            return current;
        }

        // The decision is recorded first: once the controller is killed, anyone following the run (the attached CLI,
        // `dstack ps`) would otherwise find it gone and record controller_lost before this records the abort.
        store.SetRunStatus(run.Id, RunStatus.Aborted, (time ?? TimeProvider.System).GetUtcNow(), TerminationReason.AbortedByUser);
        if (current.ControllerPid is { } pid && IsController(pid))
        {
            Signals.SignalProcess(pid, Signals.Kill);
        }

        KillJobs(store, current, Signals.Kill);
        RunController.TryDeleteCode(store.Home, current.Name);
        return store.FindRun(run.Id) ?? current;
    }

    /// <summary>
    /// Where active runs' jobs are (their placements: a GPU of this machine, a pool host), with each run's name; a run
    /// whose controller is gone holds nothing.
    /// </summary>
    /// <param name="store">The state store.</param>
    /// <param name="reconcile">
    /// True to mark runs whose controller is gone as failed first (killing what is left of their jobs); false to only read,
    /// as an editor does, where a run whose controller died still counts until a dstack command notices.
    /// </param>
    public static IReadOnlyList<HeldPlacement> InUse(StateStore store, bool reconcile = true)
    {
        var held = new List<HeldPlacement>();
        foreach (var run in store.ListRuns(all: false).Select(r => reconcile ? Reconcile(store, r) : r).Where(r => !r.Status.IsFinished()))
        {
            try
            {
                var spec = RunSpec.FromJson(run.Spec);
                held.AddRange(Held(store, run, spec).Select(p => new HeldPlacement(p, run.Name)));
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }

        return held;
    }

    /// <summary>
    /// The placements a run holds: all of them, except a scaling service's beyond its least replicas, held only while
    /// that replica has a machine (a replica scaled away gives its pool host back to other runs).
    /// </summary>
    private static IEnumerable<Offer> Held(StateStore store, RunRecord run, RunSpec spec)
    {
        if (spec.Service is not { Scaler: not null } service)
        {
            return spec.Placements;
        }

        var withMachine = store.ListInstances(run.Id).Where(i => i.IsActive).Select(i => i.JobNum).ToHashSet();
        if (spec.Placements.Count < spec.Nodes)
        {
            // One placement every replica shares (this machine): held while any replica has it.
            return service.MinReplicas > 0 || withMachine.Count > 0 ? spec.Placements : [];
        }

        return spec.Placements.Where((_, rank) => rank < service.MinReplicas || withMachine.Contains(rank));
    }

    /// <summary>Waits until the run has finished (or <paramref name="limit"/> passes); returns its latest record.</summary>
    public static async Task<RunRecord> WaitAsync(StateStore store, RunRecord run, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (true)
        {
            var current = Reconcile(store, store.FindRun(run.Id) ?? run);
            if (current.Status.IsFinished() || DateTimeOffset.UtcNow >= deadline || cancellationToken.IsCancellationRequested)
            {
                return current;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Does a gone (or hung) controller's work: kills what is left of every job on its host (its group, what it detached,
    /// its container, on another machine too), then terminates the run's instances.
    /// </summary>
    private static void KillJobs(StateStore store, RunRecord run, int signal)
    {
        RunSpec spec;
        try
        {
            spec = RunSpec.FromJson(run.Spec);
        }
        catch (System.Text.Json.JsonException)
        {
            // A spec no version of dstack wrote: the jobs ran here, and their tokens still find them.
            spec = new RunSpec { RunName = run.Name, Type = "task", ConfigurationPath = run.ConfigurationPath, RepoRoot = run.RepoRoot, Script = string.Empty };
        }

        var jobs = store.ListJobs(run.Id);
        var ranks = Math.Max(spec.Nodes, jobs.Select(j => j.JobNum + 1).DefaultIfEmpty(0).Max());
        var context = HostContext.Outside(store.Home, run, spec);
        for (var rank = 0; rank < ranks; rank++)
        {
            // Every rank, whatever the job records say: the build (which keeps no job record) and what a job that
            // already finished left detached carry the rank's token too.
            var job = jobs.FirstOrDefault(j => j.JobNum == rank);
            // A job in a container records no process id (0): the host reaches it through its engine.
            var pid = job is { Pid: > 1 and var p } && !job.Status.IsFinished() ? p : (int?)null;
            if (InstanceOf(store, run, spec, rank, job?.InstanceId) is not { } instance || BackendRegistry.ForRun(store.Home, instance.Offer.Backend) is not { } backend)
            {
                continue;
            }

            using var host = backend.HostOf(instance, context);
            host.KillJob(rank, pid, JobToken.For(store.Home, run, rank), signal);
        }

        RunController.CleanUpDevEnvironment(store, run, spec);

        TerminateInstances(store, run);
    }

    /// <summary>
    /// Job <paramref name="rank"/>'s instance: the one its job record names, else its latest recorded one, else as
    /// placed (a controller that died before it recorded one).
    /// </summary>
    private static Instance? InstanceOf(StateStore store, RunRecord run, RunSpec spec, int rank, long? jobInstance)
    {
        var records = store.ListInstances(run.Id);
        var record = records.FirstOrDefault(i => i.Id == jobInstance) ?? records.LastOrDefault(i => i.JobNum == rank && i.IsActive);
        if (record is not null && InstanceOf(record) is { } recorded)
        {
            return recorded;
        }

        var offer = rank < spec.Placements.Count ? spec.Placements[rank] : spec.Placements.Count == 0 ? BackendRegistry.DefaultPlacement : null;
        return offer is null ? null : new Instance(offer, string.Empty, string.Empty);
    }

    /// <summary>The instance a record describes; null when its offer cannot be read.</summary>
    public static Instance? InstanceOf(InstanceRecord record)
    {
        try
        {
            var offer = System.Text.Json.JsonSerializer.Deserialize(record.Offer, RunJsonContext.Default.Offer);
            return offer is null ? null : new Instance(offer, record.InstanceId ?? record.Token, record.Address ?? string.Empty);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Terminates every instance of <paramref name="run"/> that may still exist; one that fails stays for the next try.</summary>
    public static void TerminateInstances(StateStore store, RunRecord run, Func<string, IBackend?>? backendOf = null)
    {
        foreach (var record in store.ListInstances(run.Id).Where(i => i.IsActive))
        {
            Terminate(store, record, backendOf: backendOf);
        }
    }

    /// <summary>
    /// Terminates one recorded instance through its backend and records it; false (the record left terminating, for
    /// the next try) when the backend could not.
    /// </summary>
    /// <param name="store">The state store.</param>
    /// <param name="record">The instance.</param>
    /// <param name="time">The clock the times recorded come from.</param>
    /// <param name="backendOf">The backend of a name; <see cref="BackendRegistry.ForRun"/> unless a test gives a fake.</param>
    public static bool Terminate(StateStore store, InstanceRecord record, TimeProvider? time = null, Func<string, IBackend?>? backendOf = null) =>
        TryTerminate(store, record, out _, time, backendOf);

    /// <summary>
    /// <see cref="Terminate"/>, with why it could not when it returns false: the backend is not known here, the offer
    /// recorded cannot be read, or the backend's own error.
    /// </summary>
    /// <param name="store">The state store.</param>
    /// <param name="record">The instance.</param>
    /// <param name="problem">Why it was not terminated; null when it was.</param>
    /// <param name="time">The clock the times recorded come from.</param>
    /// <param name="backendOf">The backend of a name; <see cref="BackendRegistry.ForRun"/> unless a test gives a fake.</param>
    /// <param name="limit">How long the backend may take (default 2 minutes); the call is cancelled after it.</param>
    public static bool TryTerminate(StateStore store, InstanceRecord record, out string? problem, TimeProvider? time = null, Func<string, IBackend?>? backendOf = null, TimeSpan? limit = null)
    {
        problem = null;
        var within = limit ?? TerminateLimit;
        if (store.FindInstance(record.Id) is { IsActive: false })
        {
            // Terminated meanwhile (by its controller, or another dstack command): nothing left to do.
            return true;
        }

        if (InstanceOf(record) is not { } instance)
        {
            // Nothing can reach it from here: left as it is, and shown by dstack instance list.
            problem = $"the offer recorded for instance {record.Id} cannot be read, so its backend {record.Backend} cannot be asked to terminate it";
            return false;
        }

        if ((backendOf ?? (name => BackendRegistry.ForRun(store.Home, name)))(record.Backend) is not { } backend)
        {
            problem = $"the backend {record.Backend} of instance {record.Id} is not known to this version of dstack";
            return false;
        }

        try
        {
            store.SetInstanceStatus(record.Id, InstanceStatus.Terminating, (time ?? TimeProvider.System).GetUtcNow());
            using var cancel = new CancellationTokenSource();
            var call = backend.TerminateAsync(instance, cancel.Token);
            try
            {
                call.WaitAsync(within).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                // The call is given up: it is told so, rather than left running on.
                cancel.Cancel();
                throw;
            }
            store.SetInstanceStatus(record.Id, InstanceStatus.Terminated, (time ?? TimeProvider.System).GetUtcNow());
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the backend {record.Backend} did not answer within {within.TotalSeconds:0.#} s");
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StateException)
        {
            problem = $"the backend {record.Backend} could not terminate it: {e.Message}";
            return false;
        }
    }

    /// <summary>How long a backend may take to terminate an instance before it is left terminating for the next try.</summary>
    private static readonly TimeSpan TerminateLimit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long each instance may take when a command reconciles at its start: a cloud that does not answer must not
    /// hold every command; the instance stays terminating, and the next command tries again.
    /// </summary>
    public static readonly TimeSpan ReconcileLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Terminates the instance of id <paramref name="id"/> as <c>dstack instance terminate</c> does: an instance whose
    /// run is still active (its controller alive) is left alone unless <paramref name="force"/>, since the controller would
    /// lose its job's machine; one already terminated (or never created) is reported as such.
    /// </summary>
    public static InstanceTermination TerminateInstance(StateStore store, long id, bool force, TimeProvider? time = null, Func<string, IBackend?>? backendOf = null)
    {
        if (store.FindInstance(id) is not { } record)
        {
            return new InstanceTermination(InstanceTerminationOutcome.NotFound, null, null, null);
        }

        var run = store.FindRun(record.RunId) is { } found ? Reconcile(store, found, time) : null;
        record = store.FindInstance(id) ?? record;
        if (!record.IsActive)
        {
            return new InstanceTermination(InstanceTerminationOutcome.AlreadyEnded, record, run, null);
        }

        if (run is not null && !run.Status.IsFinished() && !force)
        {
            return new InstanceTermination(InstanceTerminationOutcome.RunActive, record, run, null);
        }

        var terminated = TryTerminate(store, record, out var problem, time, backendOf);
        return new InstanceTermination(terminated ? InstanceTerminationOutcome.Terminated : InstanceTerminationOutcome.Failed, store.FindInstance(id) ?? record, run, problem);
    }

    /// <summary>
    /// Every instance whose run has ended (its controller gone, or finished without terminating it) is terminated: what a
    /// crash left behind costs nothing for long. Run at the start of the CLI's commands; one that cannot be terminated
    /// stays for the next.
    /// </summary>
    /// <param name="store">The state store.</param>
    /// <param name="backendOf">The backend of a name; <see cref="BackendRegistry.ForRun"/> unless a test gives a fake.</param>
    /// <param name="time">The clock the times recorded (and a controller's start limit) are read from.</param>
    public static void ReconcileInstances(StateStore store, Func<string, IBackend?>? backendOf = null, TimeProvider? time = null)
    {
        var active = store.ListInstances();
        foreach (var group in active.GroupBy(i => i.RunId))
        {
            var run = store.FindRun(group.Key);
            if (run is not null && !Reconcile(store, run, time).Status.IsFinished())
            {
                continue;
            }

            foreach (var record in group)
            {
                TryTerminate(store, record, out _, time, backendOf, ReconcileLimit);
            }
        }
    }

    /// <summary>True when the process exists and is a dstack controller (not another program that got the same id later).</summary>
    private static bool IsController(int pid)
    {
        if (!Signals.IsAlive(pid))
        {
            return false;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            // "runner" is what earlier versions named the controller (`dstack runner`): their runs may still be going.
            return commandLine.Contains("\0controller\0", StringComparison.Ordinal) || commandLine.Contains("\0runner\0", StringComparison.Ordinal) || commandLine.Contains("setsid", StringComparison.Ordinal) || commandLine.StartsWith("/bin/sh", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
