using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>A service run's replicas that end: restarts per <c>retry</c>, the run's end, and the stop of every replica.</summary>
public sealed partial class RunController
{
    private sealed partial class ServiceRun
    {
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

        /// <summary>Ends the readiness check (bounded: a forward being opened takes at most its own limit), closes the way to the replica's port and ends its --reload sync.</summary>
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
            replica.Reload?.Dispose();
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
}
