using Dstack.Runtime.Logs;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>One attempt of a run: working copies, build, start all jobs, wait, stop, clean up.</summary>
public sealed partial class RunController
{
    private static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PipeDrainLimit = TimeSpan.FromSeconds(5);

    private async Task<AttemptResult> RunAttemptAsync(int attempt, Func<DateTimeOffset> markStarted, DateTimeOffset? firstStart)
    {
        _store.SetRunStatus(_run.Id, RunStatus.Provisioning, _time.GetUtcNow());
        using (var provisioning = new CancellationTokenSource())
        {
            var provision = ProvisionAsync(provisioning.Token);
            if (await Task.WhenAny(provision, _stopRequested.Task).ConfigureAwait(false) != provision)
            {
                await provisioning.CancelAsync().ConfigureAwait(false);
                await provision.ConfigureAwait(false);
                var abort = await _stopRequested.Task.ConfigureAwait(false) == StopRequest.Abort;
                Event(0, $"dstack: {(abort ? "aborted" : "stopped")} while provisioning; the job was not started");
                return abort ? new AttemptResult(RunStatus.Aborted, TerminationReason.AbortedByUser, null) : new AttemptResult(RunStatus.Terminated, TerminationReason.StoppedByUser, null);
            }

            if (await provision.ConfigureAwait(false) is { } why)
            {
                return new AttemptResult(RunStatus.Failed, why, null);
            }
        }

        var prepared = await PrepareCodeAsync(attempt).ConfigureAwait(false);
        if (prepared.Stopped is { } stopped)
        {
            return stopped;
        }

        if (prepared.Codes is not { } codes)
        {
            return new AttemptResult(RunStatus.Failed, TerminationReason.StartFailed, null);
        }

        using (var placing = new CancellationTokenSource())
        {
            if (await PrepareWorkflowAsync(placing.Token).ConfigureAwait(false) is { } notPlaced)
            {
                return notPlaced;
            }
        }

        // The build and --reload work on working copies here (the planner offers them only where the code is copied).
        var copies = codes.Select(c => c.LocalFolder).OfType<string>().ToList();
        if (_spec.Build.Count > 0 && await BuildAsync(copies).ConfigureAwait(false) is { } buildFailed)
        {
            return buildFailed;
        }

        if (_spec.BuildOnly)
        {
            Event(0, "dstack: the environment is ready");
            return new AttemptResult(RunStatus.Done, TerminationReason.AllJobsDone, 0);
        }

        var jobs = new List<RunningJob>();
        try
        {
            for (var rank = 0; rank < _spec.Nodes; rank++)
            {
                jobs.Add(StartJob(rank, attempt, codes[rank]));
            }
        }
        catch (Exception e) when (e is JobStartException or IOException or UnauthorizedAccessException)
        {
            Event(0, e is Containers.ContainerStartException ? $"dstack: {Diagnostics.DiagnosticCodes.ContainerFailed}: {e.Message}" : $"dstack: {e.Message}");
            await StopJobsAsync(jobs, StopRequest.Abort).ConfigureAwait(false);
            await DrainAsync(jobs).ConfigureAwait(false);
            return new AttemptResult(RunStatus.Failed, TerminationReason.StartFailed, null);
        }

        var started = markStarted();
        _store.SetRunStatus(_run.Id, RunStatus.Running, _time.GetUtcNow());
        var syncs = _spec.Reload ? StartReload(copies) : [];
        var devEnvironment = WatchDevEnvironment();
        try
        {
            return await SuperviseAsync(jobs, firstStart ?? started, devEnvironment?.Inactive).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sync in syncs)
            {
                sync.Dispose();
            }

            if (devEnvironment is not null)
            {
                await devEnvironment.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Job <paramref name="rank"/>'s environment on its host: the host's base, dstack's variables, the user's env, its token.</summary>
    private Dictionary<string, string> EnvironmentFor(int rank)
    {
        var host = HostOf(rank);
        return JobToken.Mark(JobEnvironment.Build(_spec, rank, Topology, host.BaseEnvironment, host.PathPrefix), Home, _run, rank);
    }

    private RunningJob StartJob(int rank, int attempt, Hosts.JobCode code)
    {
        var process = HostOf(rank).StartJob(rank, code, EnvironmentFor(rank));
        Progress.Report(new RunningProgress(rank, HostOf(rank).Name));
        _store.SaveJob(new JobRecord(_run.Id, rank, attempt, RunStatus.Running, process.Pid, null, _time.GetUtcNow(), null, _machines[rank]!.RecordId));
        return new RunningJob(rank, attempt, process, Pump(rank, process));
    }

    private Task Pump(int rank, IJobProcess process) => Task.WhenAll(
        Task.Run(() => new OutputPump(process.Stdout, LogStream.Stdout, _logs[rank], _mask).RunAsync()),
        Task.Run(() => new OutputPump(process.Stderr, LogStream.Stderr, _logs[rank], _mask).RunAsync()));

    private List<FolderSync> StartReload(IReadOnlyList<string> copies)
    {
        Event(0, $"dstack: --reload: changes in {_spec.RepoRoot} are copied into the running job");
        return [.. copies.Select(copy => FolderSync.Start(_spec.RepoRoot, copy, ReportReloadChange, Home.Root))];
    }

    /// <param name="jobs">The jobs started.</param>
    /// <param name="started">When the run first started (max_duration counts from there).</param>
    /// <param name="inactive">A dev environment's: completes when its inactivity_duration has passed; null otherwise.</param>
    private async Task<AttemptResult> SuperviseAsync(List<RunningJob> jobs, DateTimeOffset started, Task? inactive = null)
    {
        inactive ??= Task.Delay(Timeout.Infinite);
        var maxDuration = _spec.MaxDuration is { } seconds
            ? Task.Delay(Max(TimeSpan.Zero, started + TimeSpan.FromSeconds(seconds) - _time.GetUtcNow()), _time)
            : Task.Delay(Timeout.Infinite);
        string? stopReason = null;
        StopRequest stopKind = StopRequest.None;
        RunningJob? firstFailure = null;
        while (true)
        {
            foreach (var job in jobs.Where(j => j.Process.Exited.IsCompleted && !j.Recorded))
            {
                RecordExit(job);
                if (job.Process.Exited.Result != 0 && firstFailure is null)
                {
                    firstFailure = job;
                }
            }

            if (firstFailure is not null && jobs.Any(j => !j.Process.Exited.IsCompleted))
            {
                Event(firstFailure.Rank, firstFailure.Process.LostReason is { } lost
                    ? $"dstack: job {firstFailure.Rank} is lost: {lost}; stopping the other jobs of the run"
                    : $"dstack: job {firstFailure.Rank} exited with code {firstFailure.Process.Exited.Result}; stopping the other jobs of the run");
                stopKind = StopRequest.Stop;
                break;
            }

            // Jobs not yet recorded, including any that ended since the pass above, so no exit is waited for twice or missed.
            var pending = jobs.Where(j => !j.Recorded).Select(j => (Task)j.Process.Exited).ToList();
            if (pending.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny([.. pending, _stopRequested.Task, maxDuration, inactive]).ConfigureAwait(false);
            if (done == _stopRequested.Task)
            {
                stopKind = await _stopRequested.Task.ConfigureAwait(false);
                stopReason = stopKind == StopRequest.Abort ? TerminationReason.AbortedByUser : TerminationReason.StoppedByUser;
                break;
            }

            if (done == inactive)
            {
                stopKind = StopRequest.Stop;
                stopReason = TerminationReason.InactivityDurationExceeded;
                break;
            }

            if (done == maxDuration)
            {
                Event(0, $"dstack: max_duration ({new Configuration.Model.Duration(_spec.MaxDuration)}) reached: stopping the run");
                stopKind = StopRequest.Stop;
                stopReason = TerminationReason.MaxDurationExceeded;
                break;
            }
        }

        var stopped = new HashSet<RunningJob>();
        if (stopKind != StopRequest.None)
        {
            stopped.UnionWith(jobs.Where(j => !j.Process.Exited.IsCompleted));
            await StopJobsAsync(jobs, stopKind).ConfigureAwait(false);
        }

        await DrainAsync(jobs).ConfigureAwait(false);
        foreach (var job in jobs.Where(j => !j.Recorded))
        {
            RecordExit(job, stopped.Contains(job) ? (stopKind == StopRequest.Abort ? RunStatus.Aborted : RunStatus.Terminated) : null);
        }

        // Said only now, after each job's output is all in its log, so the line comes after the job's last words.
        foreach (var job in jobs.Where(j => j.EndedOnItsOwn && (j != firstFailure || stopKind == StopRequest.None)))
        {
            Event(job.Rank, job.Process.LostReason is { } lost
                ? $"dstack: {Diagnostics.DiagnosticCodes.HostLost}: job {job.Rank} is lost: {lost}"
                : $"dstack: job {job.Rank} exited with code {job.Process.Exited.Result}");
        }

        if (stopReason is null && jobs.Any(j => j.Process.LostReason is not null))
        {
            _lostRanks = [.. jobs.Where(j => j.Process.LostReason is not null).Select(j => j.Rank)];
            return new AttemptResult(RunStatus.Failed, TerminationReason.HostLost, null);
        }

        // Jobs that ended before the wait began were not seen one by one: the lowest failing rank stands for the run.
        firstFailure ??= stopReason is null ? jobs.FirstOrDefault(j => j.Process.Exited.Result != 0) : null;

        if (stopReason is not null)
        {
            return stopReason == TerminationReason.AbortedByUser
                ? new AttemptResult(RunStatus.Aborted, stopReason, null)
                : new AttemptResult(RunStatus.Terminated, stopReason, null);
        }

        if (firstFailure is not null)
        {
            return new AttemptResult(RunStatus.Failed, TerminationReason.JobFailed, firstFailure.Process.Exited.Result);
        }

        return new AttemptResult(RunStatus.Done, TerminationReason.AllJobsDone, 0);
    }

    private void RecordExit(RunningJob job, RunStatus? status = null)
    {
        job.Recorded = true;
        var code = job.Process.Exited.IsCompleted ? job.Process.Exited.Result : (int?)null;
        var final = status ?? (code == 0 ? RunStatus.Done : RunStatus.Failed);
        _store.SaveJob(new JobRecord(_run.Id, job.Rank, job.Attempt, final, job.Process.Pid, code, null, _time.GetUtcNow()));
        job.EndedOnItsOwn = code is not null && status is null;
    }

    /// <summary>A graceful stop sends SIGTERM to every job's group and waits up to stop_duration before SIGKILL; an abort kills at once.</summary>
    private async Task StopJobsAsync(List<RunningJob> jobs, StopRequest kind)
    {
        _store.SetRunStatus(_run.Id, RunStatus.Terminating, _time.GetUtcNow());
        var alive = jobs.Where(j => !j.Process.Exited.IsCompleted).ToList();
        if (kind == StopRequest.Abort)
        {
            alive.ForEach(j => j.Process.SignalGroup(Signals.Kill));
        }
        else
        {
            alive.ForEach(j => j.Process.SignalGroup(Signals.Terminate));
            var exited = Task.WhenAll(alive.Select(j => j.Process.Exited));
            var limit = _spec.StopDuration is { } seconds ? Task.Delay(TimeSpan.FromSeconds(seconds), _time) : Task.Delay(Timeout.Infinite);
            var first = await Task.WhenAny(exited, limit, WaitForAbortAsync()).ConfigureAwait(false);
            if (first != exited)
            {
                Event(0, first == limit ? $"dstack: the jobs did not stop within stop_duration ({new Configuration.Model.Duration(_spec.StopDuration)}): killing them" : "dstack: aborting: killing the jobs");
                alive.ForEach(j => j.Process.SignalGroup(Signals.Kill));
            }
        }

        await Task.WhenAll(jobs.Select(j => j.Process.Exited)).ConfigureAwait(false);
    }

    private async Task WaitForAbortAsync()
    {
        // A stop that is already under way becomes an abort when `dstack stop -x` (or a second Ctrl+C) asks for one.
        while (true)
        {
            await Task.Delay(StopPollInterval, _time).ConfigureAwait(false);
            try
            {
                if (_store.FindRun(_run.Id)?.StopRequest == StopRequest.Abort)
                {
                    return;
                }
            }
            catch (StateException)
            {
            }
        }
    }

    /// <summary>Kills what a job left behind in its group (background processes), then waits for its output to be fully logged.</summary>
    private async Task DrainAsync(List<RunningJob> jobs)
    {
        foreach (var job in jobs)
        {
            if (job.Process.IsGroupAlive)
            {
                job.Process.SignalGroup(Signals.Terminate);
                var deadline = _time.GetUtcNow() + LeftoverGrace;
                while (job.Process.IsGroupAlive && _time.GetUtcNow() < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), _time).ConfigureAwait(false);
                }

                job.Process.SignalGroup(Signals.Kill);
            }
        }

        try
        {
            await Task.WhenAll(jobs.Select(j => j.Pumps)).WaitAsync(PipeDrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Event(0, "dstack: a process that left the job's process group still holds its output; the rest of its output is not logged");
        }

        // Before the hosts clean up: the working copy still holds what the workflow made.
        await SaveWorkflowAsync(jobs).ConfigureAwait(false);
        foreach (var job in jobs)
        {
            HostOf(job.Rank).CleanUp(job.Process);
            job.Process.Dispose();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / 1024.0 / 1024.0:0.#} MB",
    };

    private sealed class RunningJob(int rank, int attempt, IJobProcess process, Task pumps)
    {
        public int Rank { get; } = rank;

        public int Attempt { get; } = attempt;

        public IJobProcess Process { get; } = process;

        public Task Pumps { get; } = pumps;

        public bool Recorded { get; set; }

        public bool EndedOnItsOwn { get; set; }
    }
}
