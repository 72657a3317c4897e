using Dstack.Runtime.Logs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Streams the logs of every job of a run to a front end as they are written, and returns when the run has finished
/// and every byte has been delivered, or when the caller stops following (detach).
/// </summary>
public static class RunFollower
{
    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan SlowPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(20);

    /// <param name="store">The state store.</param>
    /// <param name="run">The run.</param>
    /// <param name="nodes">How many jobs' logs to read.</param>
    /// <param name="onChunk">Receives each piece with its job's rank, in the order it was written to that job's log.</param>
    /// <param name="follow">False to print what there is and return (<c>dstack logs</c> without -f).</param>
    /// <param name="cancellationToken">Stops following (the run goes on).</param>
    public static async Task<RunRecord> FollowAsync(StateStore store, RunRecord run, int nodes, Action<int, LogChunk> onChunk, bool follow = true, CancellationToken cancellationToken = default)
    {
        var readers = Enumerable.Range(0, Math.Max(1, nodes)).Select(rank => new JobLogReader(store.Home.LogFile(run.Name, rank))).ToList();
        // While following, a write to the state store (a status recorded) wakes the wait at once; the polls stay as they were.
        using var changes = follow && !run.Status.IsFinished() ? StoreChanges.Watch(store.Home) : null;
        try
        {
            var current = run;
            var lastStatusCheck = DateTimeOffset.MinValue;
            var idle = FastPoll;
            while (true)
            {
                var finished = !follow || current.Status.IsFinished();
                if (!finished && (changes?.Take() == true || DateTimeOffset.UtcNow - lastStatusCheck >= StatusPoll))
                {
                    current = RunMonitor.Reconcile(store, store.FindRun(run.Id) ?? current);
                    lastStatusCheck = DateTimeOffset.UtcNow;
                    finished = current.Status.IsFinished();
                }

                var any = false;
                for (var rank = 0; rank < readers.Count; rank++)
                {
                    foreach (var chunk in readers[rank].ReadAvailable())
                    {
                        any = true;
                        onChunk(rank, chunk);
                    }
                }

                // The status was read before this pass over the logs, so everything the controller wrote before it
                // finished has now been delivered.
                if (finished || cancellationToken.IsCancellationRequested)
                {
                    return current;
                }

                // Quick while output flows; backing off to 50 ms when the job is quiet keeps an idle attach cheap.
                idle = any ? FastPoll : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, SlowPoll.Ticks));
                if (!any)
                {
                    try
                    {
                        if (changes is null)
                        {
                            await Task.Delay(idle, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await changes.WaitAsync(idle, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        return current;
                    }
                }
            }
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
    }
}
