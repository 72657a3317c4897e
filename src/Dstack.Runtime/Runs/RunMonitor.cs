using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Looks after runs from outside their runner: notices a runner that died (the machine rebooted, it was killed) and
/// records the run as failed after killing what is left of its jobs; asks a runner to stop or abort.
/// </summary>
public static class RunMonitor
{
    /// <summary>How long a submitted run may wait for its runner to start before it counts as lost.</summary>
    private static readonly TimeSpan RunnerStartLimit = TimeSpan.FromSeconds(60);

    /// <summary>The run as it really is: an active run whose runner is gone is marked failed (runner_lost) first.</summary>
    public static RunRecord Reconcile(StateStore store, RunRecord run, TimeProvider? time = null)
    {
        if (run.Status.IsFinished())
        {
            return run;
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var alive = run.RunnerPid is { } pid ? IsRunner(pid) : now - run.SubmittedAt < RunnerStartLimit;
        if (alive)
        {
            return run;
        }

        KillJobs(store, run, Signals.Kill);
        RunSupervisor.TryDeleteCode(store.Home, run.Name);
        store.SetRunStatus(run.Id, RunStatus.Failed, now, TerminationReason.RunnerLost);
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

        if (run.RunnerPid is { } pid && IsRunner(pid))
        {
            Signals.SignalProcess(pid, Signals.Terminate);
        }
        else
        {
            // The runner has not started yet, or is gone: do its work here.
            KillJobs(store, run, Signals.Kill);
            store.SetRunStatus(run.Id, abort ? RunStatus.Aborted : RunStatus.Terminated, (time ?? TimeProvider.System).GetUtcNow(), abort ? TerminationReason.AbortedByUser : TerminationReason.StoppedByUser);
        }

        return true;
    }

    /// <summary>How long an abort waits for the runner to end the run before it does the runner's work itself (<see cref="ForceAbort"/>).</summary>
    public static readonly TimeSpan AbortLimit = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Follows an abort already asked for (<see cref="RequestStop"/>) to its end: when the runner has not ended the
    /// run within <see cref="AbortLimit"/> (it hangs, or was stopped), <see cref="ForceAbort"/> ends it. So an abort
    /// always ends the run. Returns the latest record, and whether it had to be forced.
    /// </summary>
    public static async Task<(RunRecord Run, bool Forced)> CompleteAbortAsync(StateStore store, RunRecord run, CancellationToken cancellationToken = default)
    {
        var final = await WaitAsync(store, run, AbortLimit, cancellationToken).ConfigureAwait(false);
        return final.Status.IsFinished() || cancellationToken.IsCancellationRequested ? (final, false) : (ForceAbort(store, final), true);
    }

    /// <summary>
    /// Ends an aborted run whose runner did not end it in time (it hangs, or was stopped with SIGSTOP): kills the
    /// runner, kills the jobs here (their groups, what they detached, their containers, on SSH hosts too), removes
    /// the working copy and records the run as aborted. Returns the run's latest record.
    /// </summary>
    public static RunRecord ForceAbort(StateStore store, RunRecord run, TimeProvider? time = null)
    {
        var current = store.FindRun(run.Id) ?? run;
        if (current.Status.IsFinished())
        {
            return current;
        }

        // The decision is recorded first: once the runner is killed, anyone following the run (the attached CLI,
        // `dstack ps`) would otherwise find it gone and record runner_lost before this records the abort.
        store.SetRunStatus(run.Id, RunStatus.Aborted, (time ?? TimeProvider.System).GetUtcNow(), TerminationReason.AbortedByUser);
        if (current.RunnerPid is { } pid && IsRunner(pid))
        {
            Signals.SignalProcess(pid, Signals.Kill);
        }

        KillJobs(store, current, Signals.Kill);
        RunSupervisor.TryDeleteCode(store.Home, current.Name);
        return store.FindRun(run.Id) ?? current;
    }

    /// <summary>The GPUs that active runs hold (a run whose runner is gone holds nothing), by nvidia-smi index.</summary>
    public static IReadOnlyDictionary<int, string> GpusInUse(StateStore store)
    {
        var held = new Dictionary<int, string>();
        foreach (var run in store.ListRuns(all: false).Select(r => Reconcile(store, r)).Where(r => !r.Status.IsFinished()))
        {
            try
            {
                foreach (var gpu in RunSpec.FromJson(run.Spec).Gpus)
                {
                    held.TryAdd(gpu, run.Name);
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }

        return held;
    }

    /// <summary>The SSH hosts that active runs hold (pool name → run name).</summary>
    /// <param name="store">The state store.</param>
    /// <param name="reconcile">
    /// True to mark runs whose runner is gone as failed first (killing what is left of their jobs); false to only read,
    /// as an editor does, where a run whose runner died still counts until a dstack command notices.
    /// </param>
    public static IReadOnlyDictionary<string, string> HostsInUse(StateStore store, bool reconcile = true)
    {
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var run in store.ListRuns(all: false).Select(r => reconcile ? Reconcile(store, r) : r).Where(r => !r.Status.IsFinished()))
        {
            try
            {
                foreach (var host in RunSpec.FromJson(run.Spec).Hosts)
                {
                    held.TryAdd(host.Name, run.Name);
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }

        return held;
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

    private static void KillJobs(StateStore store, RunRecord run, int signal)
    {
        RunSpec? spec = null;
        try
        {
            spec = RunSpec.FromJson(run.Spec);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        foreach (var job in store.ListJobs(run.Id))
        {
            if (job.Pid is not { } pid || job.Status.IsFinished())
            {
                continue;
            }

            if (spec is { OnSshHosts: true })
            {
                // The job's process is on its host: the ids of this machine mean nothing there.
                if (job.JobNum < spec.Hosts.Count)
                {
                    using var connection = new Backends.Ssh.SshConnection(store.Home, spec.Hosts[job.JobNum]);
                    var folder = Backends.Ssh.RemoteJobFolder.For(store.Home, run, job.JobNum);
                    connection.Run($"({Backends.Ssh.RemoteJobFolder.SignalCommand(pid, signal, JobToken.For(store.Home, run, job.JobNum))}); {folder.RemoveCommand()}", null, TimeSpan.FromSeconds(15));
                }
            }
            else
            {
                if (spec?.Image is not null)
                {
                    Environment.DockerEngine.RemoveContainer(Environment.DockerEngine.ContainerName(run.Name, job.JobNum), JobToken.For(store.Home, run, job.JobNum));
                }

                Signals.SignalGroup(pid, signal);
            }
        }

        if (spec is not { OnSshHosts: true })
        {
            // Every rank's token, whatever the job records say: the build (which keeps no job record) and what a job
            // that already finished left detached carry it too, and the token needs no record to be found.
            var ranks = Math.Max(spec?.Nodes ?? 1, store.ListJobs(run.Id).Select(j => j.JobNum + 1).DefaultIfEmpty(0).Max());
            for (var rank = 0; rank < ranks; rank++)
            {
                MarkedProcesses.Signal(JobProcess.TokenVariable, JobToken.For(store.Home, run, rank), signal);
            }
        }
    }

    /// <summary>True when the process exists and is a dstack runner (not another program that got the same id later).</summary>
    private static bool IsRunner(int pid)
    {
        if (!Signals.IsAlive(pid))
        {
            return false;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Contains("\0runner\0", StringComparison.Ordinal) || commandLine.Contains("setsid", StringComparison.Ordinal) || commandLine.StartsWith("/bin/sh", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
