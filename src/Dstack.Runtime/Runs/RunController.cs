using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Logs;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs.Environment;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The run's controller: the process that owns one run (detached from the terminal, so a run goes on after the CLI that
/// submitted it has gone): it provisions an instance for each job from the plan's placement, puts the code on each
/// job's host, prepares the <c>build</c> environment, starts the jobs together, copies their output into the logs,
/// records every status, stops the jobs on request, on <c>max_duration</c>, or when one node fails, and terminates
/// the instances at the end. It never asks which backend a job runs on: it goes through
/// <see cref="Backends.IBackend"/> and <see cref="Hosts.IJobHost"/>.
/// </summary>
public sealed partial class RunController
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly StateStore _store;
    private readonly RunRecord _run;
    private RunSpec _spec;
    private readonly IReadOnlyDictionary<string, string> _controllerEnvironment;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<StopRequest> _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SecretMasker? _mask;
    private readonly List<JobLogWriter> _logs = [];
    private IReadOnlyList<int> _lostRanks = [];

    /// <param name="store">The state store.</param>
    /// <param name="run">The run.</param>
    /// <param name="spec">Its spec, with secrets.</param>
    /// <param name="controllerEnvironment">The controller's environment (jobs on this machine start from it).</param>
    /// <param name="time">The clock.</param>
    /// <param name="backends">The backend of each name (default: <see cref="Backends.BackendRegistry.ForRun"/>); tests pass fakes.</param>
    public RunController(StateStore store, RunRecord run, RunSpec spec, IReadOnlyDictionary<string, string> controllerEnvironment, TimeProvider? time = null, Func<string, Backends.IBackend?>? backends = null)
    {
        _store = store;
        _backendOf = backends ?? (name => Backends.BackendRegistry.ForRun(store.Home, name));
        _run = run;
        _spec = spec;
        _controllerEnvironment = controllerEnvironment;
        _time = time ?? TimeProvider.System;
        var masker = new SecretMasker(spec.Secrets);
        _mask = masker.IsEmpty ? null : masker;
    }

    private DstackHome Home => _store.Home;

    /// <summary>How long a run that found no capacity waits before it tries every offer again (with retry on no-capacity).</summary>
    internal TimeSpan NoCapacityDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Called when the controller receives SIGTERM: looks up what was asked (a stop or an abort) and acts on it.</summary>
    public void OnStopSignal()
    {
        var request = _store.FindRun(_run.Id)?.StopRequest ?? StopRequest.Stop;
        _stopRequested.TrySetResult(request == StopRequest.None ? StopRequest.Stop : request);
    }

    /// <summary>Runs the run to its end and returns its final record.</summary>
    public async Task<RunRecord> RunAsync()
    {
        using var pollStop = new CancellationTokenSource();
        var poller = PollStopRequestsAsync(pollStop.Token);
        try
        {
            for (var rank = 0; rank < _spec.Nodes; rank++)
            {
                _logs.Add(new JobLogWriter(Home.LogFile(_run.Name, rank)));
            }

            if (_spec.Service is { } service)
            {
                await RunServiceAsync(service).ConfigureAwait(false);
            }
            else
            {
                await RunAttemptsAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Event(0, $"dstack: the controller failed: {e.Message}");
            _store.SetRunStatus(_run.Id, RunStatus.Failed, _time.GetUtcNow(), TerminationReason.ControllerLost);
        }
        finally
        {
            await pollStop.CancelAsync().ConfigureAwait(false);
            await poller.ConfigureAwait(false);

            // Before the logs close: an instance that cannot be terminated yet is said in the run's log.
            await ReleaseMachinesAsync().ConfigureAwait(false);
            foreach (var log in _logs)
            {
                log.Dispose();
            }

            TryDelete(Home.RunsFolder, Home.CodeFolder(_run.Name));
        }

        return _store.FindRun(_run.Id)!;
    }

    private async Task RunAttemptsAsync()
    {
        DateTimeOffset? firstFailure = null;
        DateTimeOffset? firstStart = null;
        DateTimeOffset? firstNoCapacity = null;
        for (var attempt = 1; ; attempt++)
        {
            if (_stopRequested.Task.IsCompleted)
            {
                var request = await _stopRequested.Task.ConfigureAwait(false);
                Finish(request == StopRequest.Abort ? RunStatus.Aborted : RunStatus.Terminated, request == StopRequest.Abort ? TerminationReason.AbortedByUser : TerminationReason.StoppedByUser, null);
                return;
            }

            if (attempt > 1)
            {
                _store.SetAttempt(_run.Id, attempt);
            }

            var result = await RunAttemptAsync(attempt, () => firstStart ??= _time.GetUtcNow(), firstStart).ConfigureAwait(false);
            var interrupted = result.Reason == TerminationReason.StartFailed ? await InterruptedWhileStartingAsync().ConfigureAwait(false) : null;
            if (result.Reason == TerminationReason.HostLost || interrupted is { Count: > 0 })
            {
                if (!await RecoverLostMachinesAsync(result, attempt, interrupted).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (result.Reason == TerminationReason.NoCapacity && _spec.Retries(RetryEvent.NoCapacity))
            {
                var since = firstNoCapacity ??= _time.GetUtcNow();
                if (_time.GetUtcNow() - since > TimeSpan.FromSeconds(_spec.RetryDuration))
                {
                    Event(0, $"dstack: not retrying: no offer has had capacity for longer than retry.duration ({new Duration(_spec.RetryDuration)})");
                    Finish(result.Status, result.Reason, result.ExitCode);
                    return;
                }

                // Every offer is tried again, the cheapest first.
                _spares = null;
                Event(0, $"dstack: no capacity now; trying again in {NoCapacityDelay.TotalSeconds:0} s (attempt {attempt + 1}), as retry.on_events includes no-capacity");
                _store.SetRunStatus(_run.Id, RunStatus.Submitted, _time.GetUtcNow(), "waiting for capacity");
                await Task.WhenAny(Task.Delay(NoCapacityDelay, _time), _stopRequested.Task).ConfigureAwait(false);
                continue;
            }

            if (result.Status != RunStatus.Failed || result.Reason != TerminationReason.JobFailed || !_spec.Retries(RetryEvent.Error))
            {
                Finish(result.Status, result.Reason, result.ExitCode);
                return;
            }

            var now = _time.GetUtcNow();
            firstFailure ??= now;
            if (now - firstFailure.Value > TimeSpan.FromSeconds(_spec.RetryDuration))
            {
                Event(0, $"dstack: not retrying: the run has been failing for longer than retry.duration ({new Duration(_spec.RetryDuration)})");
                Finish(result.Status, result.Reason, result.ExitCode);
                return;
            }

            Event(0, $"dstack: the run failed (exit code {result.ExitCode}); retrying (attempt {attempt + 1}), as retry.on_events includes error");
            _store.SetRunStatus(_run.Id, RunStatus.Submitted, now, "retrying after error");
            await Task.WhenAny(Task.Delay(RetryDelay, _time), _stopRequested.Task).ConfigureAwait(false);
        }
    }

    private void Finish(RunStatus status, string? reason, int? exitCode)
    {
        _store.SetRunStatus(_run.Id, status, _time.GetUtcNow(), reason, exitCode);
    }

    private void Event(int rank, string line)
    {
        if (rank < _logs.Count)
        {
            _logs[rank].WriteEvent(_mask is null ? line : _mask.Mask(line));
        }
    }

    private async Task PollStopRequestsAsync(CancellationToken cancellationToken)
    {
        // A backstop for the SIGTERM that `dstack stop` sends: a request written just before this controller started
        // listening for signals is still seen.
        while (!cancellationToken.IsCancellationRequested && !_stopRequested.Task.IsCompleted)
        {
            try
            {
                await Task.Delay(StopPollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (_store.FindRun(_run.Id)?.StopRequest is { } request and not StopRequest.None)
                {
                    _stopRequested.TrySetResult(request);
                }
            }
            catch (StateException)
            {
                // The store is busy or briefly unreadable; the next poll tries again.
            }
        }
    }

    /// <summary>
    /// Removes a folder of the state (a working copy, a replaced run's folder) that lies strictly inside
    /// <paramref name="parent"/> (<see cref="ContainedPath.Delete"/> proves it first); best effort.
    /// </summary>
    internal static void TryDelete(string parent, string folder)
    {
        try
        {
            ContainedPath.Delete(parent, folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a file held open by a process that escaped its group; `dstack ps` reports nothing wrong.
            // A path outside parent (UnsafePathException) is never deleted.
        }
    }

    /// <summary>
    /// Removes the working copies of the run named <paramref name="runName"/>; best effort. A name recorded by an older
    /// version that is no run name (<c>..</c>) builds no path, so nothing is deleted and the caller goes on.
    /// </summary>
    internal static void TryDeleteCode(DstackHome home, string runName)
    {
        string folder;
        try
        {
            folder = home.CodeFolder(runName);
        }
        catch (UnsafePathException)
        {
            return;
        }

        TryDelete(home.RunsFolder, folder);
    }

    internal sealed record AttemptResult(RunStatus Status, string Reason, int? ExitCode);
}
