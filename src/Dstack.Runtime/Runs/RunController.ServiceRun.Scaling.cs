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
                // A replica whose pool host another run took since it was scaled away waits for the host to be free.
                var free = Enumerable.Range(0, Spec.Nodes).Where(r => !_live.ContainsKey(r) && !_starting.ContainsKey(r) && !_restarts.ContainsKey(r) && !_stopping.ContainsKey(r)).ToList();
                var taken = controller.HostsTakenByOtherRuns(free);
                var starting = free.Where(r => !taken.ContainsKey(r)).Take(decision.Replicas - current).ToList();
                SayTaken(starting.Count < decision.Replicas - current ? taken : new Dictionary<int, string>());
                if (starting.Count == 0)
                {
                    return lastChange;
                }

                controller.Event(0, $"dstack: scaling up from {current} to {current + starting.Count} replicas: {decision.Why}");
                foreach (var rank in starting)
                {
                    Start(rank);
                }

                return Now;
            }

            SayTaken(new Dictionary<int, string>());

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

        /// <summary>Says (once for each change) which replicas cannot start because other runs hold their hosts.</summary>
        private void SayTaken(IReadOnlyDictionary<int, string> taken)
        {
            var what = string.Join("; ", taken.OrderBy(t => t.Key).Select(t => $"replica {t.Key}'s host {t.Value}"));
            if (what == _takenSaid)
            {
                return;
            }

            _takenSaid = what;
            if (what.Length > 0)
            {
                controller.Event(0, $"dstack: the service wants more replicas, but other runs hold the hosts they would run on ({what}); it scales up onto a host once that run ends (dstack ps shows the runs)");
            }
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
