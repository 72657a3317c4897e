using Dstack.Runtime.Services;

namespace Dstack.Runtime.Runs;

/// <summary>A service replica's readiness: whether its port takes a connection.</summary>
public sealed partial class RunController
{
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
                if (await PortProbe.AnswersAsync("127.0.0.1", replica.Reach.LocalPort, cancellationToken).ConfigureAwait(false))
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
}
