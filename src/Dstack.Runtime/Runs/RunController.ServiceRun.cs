using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Services;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>A service run's loop: starting replicas, taking them into the endpoint as they listen, publishing the URL.</summary>
public sealed partial class RunController
{
    /// <summary>The life of one service run: the loop that starts, watches, restarts, scales and stops its replicas.</summary>
    private sealed partial class ServiceRun(RunController controller, ServiceSpec service, ServiceEndpoint endpoint)
    {
        private readonly Dictionary<int, Replica> _live = [];
        private readonly Dictionary<int, (Task<Replica?> Task, CancellationTokenSource Cancel)> _starting = [];
        private readonly Dictionary<int, DateTimeOffset> _restarts = [];
        private readonly Dictionary<int, Task> _stopping = [];
        private readonly Dictionary<int, int> _attempts = [];
        private readonly ServiceScaler? _scaler = service.Scaler;
        private long _order;
        private Task _portTurn = Task.CompletedTask;
        private bool _published;
        private DateTimeOffset? _firstFailure;
        private string _takenSaid = string.Empty;

        private RunSpec Spec => controller._spec;

        private DateTimeOffset Now => controller._time.GetUtcNow();

        /// <summary>Replicas running, starting or about to restart: what the scaler counts.</summary>
        private int Current => _live.Count + _starting.Count + _restarts.Count;

        public async Task<AttemptResult> RunAsync()
        {
            var first = _scaler is null ? service.MaxReplicas : service.MinReplicas;
            for (var rank = 0; rank < first && rank < Spec.Nodes; rank++)
            {
                Start(rank);
            }

            if (first == 0)
            {
                controller.Event(0, $"dstack: the service runs no replica until a request comes (replicas: {service.MinReplicas}..{service.MaxReplicas}); its endpoint listens at {UrlOf(service, endpoint)}");
                Publish(0);
            }

            var started = Now;
            var maxDuration = Spec.MaxDuration is { } seconds
                ? Task.Delay(Max(TimeSpan.Zero, started + TimeSpan.FromSeconds(seconds) - Now), controller._time)
                : Task.Delay(Timeout.Infinite);
            var lastChange = started;
            AttemptResult? outcome = null;
            while (outcome is null)
            {
                var waits = new List<Task> { controller._stopRequested.Task, maxDuration, Task.Delay(ServiceTick, controller._time) };
                waits.AddRange(_starting.Values.Select(s => (Task)s.Task));
                waits.AddRange(_live.Values.Select(r => (Task)r.Job.Process.Exited));
                waits.AddRange(_live.Values.Where(r => !r.ReadyTaken).Select(r => (Task)r.Ready));
                await Task.WhenAny(waits).ConfigureAwait(false);
                if (controller._stopRequested.Task.IsCompleted)
                {
                    var kind = await controller._stopRequested.Task.ConfigureAwait(false);
                    outcome = await StopAllAsync(kind).ConfigureAwait(false);
                    break;
                }

                if (maxDuration.IsCompleted)
                {
                    controller.Event(0, $"dstack: max_duration ({new Duration(Spec.MaxDuration)}) reached: stopping the service");
                    await StopAllAsync(StopRequest.Stop).ConfigureAwait(false);
                    outcome = new AttemptResult(RunStatus.Terminated, TerminationReason.MaxDurationExceeded, null);
                    break;
                }

                outcome = await TakeStartsAsync().ConfigureAwait(false);
                TakeReadiness();
                outcome ??= await TakeExitsAsync().ConfigureAwait(false);
                if (outcome is not null)
                {
                    await StopAllAsync(StopRequest.Stop, outcome).ConfigureAwait(false);
                    break;
                }

                foreach (var rank in _stopping.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList())
                {
                    await _stopping[rank].ConfigureAwait(false);
                    _stopping.Remove(rank);
                }

                foreach (var rank in _restarts.Where(r => r.Value <= Now).Select(r => r.Key).ToList())
                {
                    _restarts.Remove(rank);
                    Start(rank);
                }

                if (_scaler is not null)
                {
                    lastChange = Scale(_scaler, lastChange);
                }
                else if (Current == 0 && _stopping.Count == 0)
                {
                    // Every replica ended on its own with code 0 and none restarts: the service is done.
                    outcome = new AttemptResult(RunStatus.Done, TerminationReason.AllJobsDone, 0);
                }
            }

            await Task.WhenAll(_stopping.Values).ConfigureAwait(false);
            return outcome;
        }

        private void Start(int rank)
        {
            var attempt = _attempts[rank] = _attempts.GetValueOrDefault(rank) + 1;
            var cancel = new CancellationTokenSource();

            // Replicas take their ports in the order they were started: the first on a machine gets the service's port.
            var previous = _portTurn;
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _portTurn = turn.Task;
            _starting[rank] = (Task.Run(() => controller.StartReplicaAsync(rank, attempt, service, ++_order, previous, turn, cancel.Token)), cancel);
        }

        private async Task<AttemptResult?> TakeStartsAsync()
        {
            foreach (var (rank, start) in _starting.Where(s => s.Value.Task.IsCompleted).ToList())
            {
                _starting.Remove(rank);
                start.Cancel.Dispose();
                var replica = await start.Task.ConfigureAwait(false);
                if (replica is not null)
                {
                    _live[rank] = replica;
                    replica.Ready = Task.Run(() => controller.WaitUntilListeningAsync(replica, replica.Cancel.Token));
                }
                else if (Failed(rank, null, "could not be started") is { } failed)
                {
                    return failed;
                }
            }

            return null;
        }

        private void TakeReadiness()
        {
            foreach (var replica in _live.Values.Where(r => !r.ReadyTaken && r.Ready.IsCompleted))
            {
                replica.ReadyTaken = true;
                if (replica.Ready.Result && replica.Reach is { } reach)
                {
                    replica.Joined = true;
                    endpoint.Replicas.Add(new ServiceReplica(replica.Rank, reach.Address));
                    controller.Event(replica.Rank, $"dstack: replica {replica.Rank} listens on port {replica.Port}; the endpoint sends it requests");
                    Publish(replica.Rank);
                }
                else if (!replica.Job.Process.Exited.IsCompleted && !replica.Cancel.IsCancellationRequested)
                {
                    controller.Event(replica.Rank, $"dstack: replica {replica.Rank} did not listen on port {replica.Port} within {controller.ReadinessLimit.TotalMinutes:0} minutes; stopping it");
                    replica.Job.Process.SignalGroup(Signals.Kill);
                }
            }
        }

        private void Publish(int rank)
        {
            if (_published)
            {
                return;
            }

            _published = true;
            var url = UrlOf(service, endpoint);
            controller._store.SetRunStatus(controller._run.Id, RunStatus.Running, Now);
            controller._store.SetRunEndpoint(controller._run.Id, RunEndpointKind.Service, url);
            controller.Progress.Report(new EndpointProgress(rank, RunEndpointKind.Service, url));
            controller.Event(0, $"dstack: the service is up at {url}{(service.Auth ? "; requests need `Authorization: Bearer TOKEN` (dstack service token prints it)" : string.Empty)}");
        }
    }
}
