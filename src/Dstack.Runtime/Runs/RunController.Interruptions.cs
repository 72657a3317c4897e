using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Machines lost during a run. Each lost instance's backend is asked whether the provider took it back
/// (<see cref="Backends.IBackend.InterruptionOfAsync"/>, a spot interruption): then the run ends as
/// <see cref="TerminationReason.Interrupted"/>, else as <see cref="TerminationReason.HostLost"/> (an SSH host that
/// stopped answering). With retry on interruption the lost jobs get new machines (an interrupted instance's own offer
/// first, then the spares) and the run goes on.
/// </summary>
public sealed partial class RunController
{
    /// <summary>How long the backend may take to say why an instance is gone.</summary>
    private static readonly TimeSpan InterruptionQueryLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Handles an attempt that lost machines (<see cref="_lostRanks"/>, or the <paramref name="interrupted"/> ones
    /// already asked about): true when the run goes on with new machines, false when it ended (its status is set).
    /// </summary>
    private async Task<bool> RecoverLostMachinesAsync(AttemptResult result, int attempt, HashSet<int>? interrupted)
    {
        if (interrupted is { Count: > 0 })
        {
            _lostRanks = [.. interrupted.Order()];
        }
        else
        {
            interrupted = await InterruptedAsync(_lostRanks).ConfigureAwait(false);
        }

        var reason = interrupted.Count > 0 ? TerminationReason.Interrupted : TerminationReason.HostLost;
        if (!_spec.Retries(RetryEvent.Interruption))
        {
            Event(0, interrupted.Count > 0
                ? $"dstack: the run failed: {string.Join(", ", interrupted.Select(r => _machines[r]!.Instance.InstanceId))} was interrupted; add `retry: {{on_events: [interruption]}}` to {_spec.ConfigurationPath} (or pass --retry) to run its job again on a new instance"
                : $"dstack: the run failed: a machine was lost ({string.Join(", ", _lostRanks.Select(r => HostOf(r).Name))}); add `retry: {{on_events: [interruption]}}` to {_spec.ConfigurationPath} (or pass --retry) to move its job to another machine next time");
            Finish(result.Status, reason, result.ExitCode);
            return false;
        }

        if (!await ReplaceLostMachinesAsync(_lostRanks, interrupted).ConfigureAwait(false))
        {
            Finish(result.Status, reason, result.ExitCode);
            return false;
        }

        Event(0, $"dstack: retrying on other machines (attempt {attempt + 1}), as retry.on_events includes interruption");
        _store.SetRunStatus(_run.Id, RunStatus.Submitted, _time.GetUtcNow(), interrupted.Count > 0 ? "retrying after an interruption" : "retrying after a host was lost");
        return true;
    }

    /// <summary>
    /// After an attempt that could not start its jobs (an upload or a start command that failed), the ranks whose
    /// instance was taken back meanwhile: a spot instance interrupted while its job was starting is an interruption
    /// too. Null when not every job has a machine (provisioning failed).
    /// </summary>
    private async Task<HashSet<int>?> InterruptedWhileStartingAsync() =>
        _machines.Count == _spec.Nodes && _machines.All(m => m is not null)
            ? await InterruptedAsync([.. Enumerable.Range(0, _spec.Nodes)]).ConfigureAwait(false)
            : null;

    /// <summary>
    /// The ranks among <paramref name="lost"/> whose instance its backend says was interrupted, each said in the job's
    /// log with the backend's words. A backend that cannot tell now (its API does not answer) counts as "not interrupted".
    /// </summary>
    private async Task<HashSet<int>> InterruptedAsync(IReadOnlyCollection<int> lost)
    {
        var interrupted = new HashSet<int>();
        foreach (var rank in lost)
        {
            var machine = _machines[rank]!;
            var instance = machine.Instance;
            string? why;
            try
            {
                using var limit = new CancellationTokenSource(InterruptionQueryLimit);
                why = await machine.Backend.InterruptionOfAsync(instance, limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Event(rank, $"dstack: the {instance.Offer.Backend} backend could not say whether {instance.InstanceId} was interrupted ({e.Message}); it counts as unreachable");
                continue;
            }

            if (why is not null)
            {
                interrupted.Add(rank);
                Event(rank, $"dstack: {instance.InstanceId} ({instance.Offer.Instance}{(instance.Offer.Spot ? " spot" : string.Empty)}, {instance.Offer.Region}) was interrupted: {why}");
            }
        }

        return interrupted;
    }
}
