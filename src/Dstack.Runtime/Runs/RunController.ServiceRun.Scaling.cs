using Dstack.Runtime.Services;

namespace Dstack.Runtime.Runs;

/// <summary>A service run's scaling: the scaler's decision applied, replicas started or the newest stopped.</summary>
public sealed partial class RunController
{
    private sealed partial class ServiceRun
    {
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
    }
}
