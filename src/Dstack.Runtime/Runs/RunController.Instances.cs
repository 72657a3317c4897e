using System.Globalization;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The machines of a run: an instance provisioned for each job from its placement (recorded in the state store before
/// the backend is asked, so a controller that dies leaves a record), the host each instance gives, a lost machine replaced
/// by a spare offer when <c>retry</c> covers interruptions, and every instance terminated when the run ends.
/// </summary>
public sealed partial class RunController
{
    private readonly Func<string, IBackend?> _backendOf;
    private readonly List<RunMachine?> _machines = [];
    private List<Offer>? _spares;

    /// <summary>The offers asked of each backend for the run's group (a run of several jobs), to release it at the end.</summary>
    private readonly List<(IBackend Backend, Offer Offer)> _grouped = [];

    /// <summary>The run's group for its backends (its name), when it has several jobs; none for one job, nor for a service's replicas (independent machines).</summary>
    private string? Group => _spec.Nodes > 1 && _spec.Service is null ? _run.Name : null;

    /// <summary>The host of job <paramref name="rank"/> (provisioned before any job starts).</summary>
    private IJobHost HostOf(int rank) => _machines[rank]!.Host;

    /// <summary>True when every job runs on this machine (the code is copied, not uploaded).</summary>
    private bool AllHere => _machines.All(m => m is null || m.Host.IsThisMachine);

    private HostContext Context => new(Home, _run, _spec, _controllerEnvironment, Event);

    /// <summary>
    /// Provisions an instance for every job that has none. An offer the backend has no capacity for now is passed over
    /// for the next spare one (the backend's other offers, cheapest first), each said in the log. Returns null when
    /// every job has a machine, else why not: <see cref="TerminationReason.NoCapacity"/> when no offer left had
    /// capacity, <see cref="TerminationReason.StartFailed"/> for any other refusal.
    /// </summary>
    private async Task<string?> ProvisionAsync(CancellationToken cancellationToken)
    {
        while (_machines.Count < _spec.Nodes)
        {
            _machines.Add(null);
        }

        _spares ??= [.. _spec.Spares];
        for (var rank = 0; rank < _spec.Nodes; rank++)
        {
            if (_machines[rank] is not null)
            {
                continue;
            }

            // A spec without placements (written before backends had offers) ran on this machine, the default backend.
            var offer = rank < _spec.Placements.Count ? _spec.Placements[rank] : BackendRegistry.DefaultPlacement;
            var tried = new List<string>();
            while (true)
            {
                var (machine, noCapacity) = await ProvisionAsync(rank, offer, replacing: false, cancellationToken).ConfigureAwait(false);
                if (machine is not null)
                {
                    _machines[rank] = machine;
                    break;
                }

                if (!noCapacity || cancellationToken.IsCancellationRequested)
                {
                    return TerminationReason.StartFailed;
                }

                tried.Add($"{offer.Instance} in {offer.Region}{(offer.Spot ? " (spot)" : string.Empty)}");
                if (_spares.Count == 0)
                {
                    Event(rank, $"dstack: {Diagnostics.DiagnosticCodes.NoCapacity}: no offer could be had for job {rank} (tried {string.Join(", ", tried)}); add `retry: {{on_events: [no-capacity]}}` to keep trying, or widen the offers (regions, instance types, max_price)");
                    return TerminationReason.NoCapacity;
                }

                // A later job stays in the first job's region when a spare there can be had (a run's nodes talk to each other).
                var sameRegion = rank > 0 && _machines[0] is { } first ? _spares.FindIndex(s => s.Region == first.Instance.Offer.Region) : -1;
                offer = _spares[Math.Max(0, sameRegion)];
                _spares.RemoveAt(Math.Max(0, sameRegion));
                Event(rank, $"dstack: trying the next offer: {offer.Instance} in {offer.Region}{(offer.Spot ? " (spot)" : string.Empty)}, ${offer.PricePerHour.ToString("0.####", CultureInfo.InvariantCulture)}/h");
            }
        }

        // The stored spec follows what was provisioned, so other runs see which machines this one holds.
        if (_machines.Select(m => m!.Instance.Offer).Zip(_spec.Placements).Any(pair => !pair.First.Instance.Equals(pair.Second.Instance, StringComparison.Ordinal) || pair.First.Region != pair.Second.Region))
        {
            _spec = _spec with { Placements = [.. _machines.Select(m => m!.Instance.Offer)], Spares = [.. _spares] };
            _store.SetSpec(_run.Id, _spec.WithoutSecrets().ToJson());
        }

        return null;
    }

    /// <summary>
    /// One instance for job <paramref name="rank"/> from <paramref name="offer"/>; no machine (with the reason in the
    /// log) when it cannot be had, and whether that was for lack of capacity.
    /// </summary>
    private async Task<(RunMachine? Machine, bool NoCapacity)> ProvisionAsync(int rank, Offer offer, bool replacing, CancellationToken cancellationToken)
    {
        if (_backendOf(offer.Backend) is not { } backend)
        {
            Event(rank, $"dstack: {Diagnostics.DiagnosticCodes.NoOffers}: the backend {offer.Backend} of job {rank} is not configured any more; configure it again, or plan the run again (dstack run)");
            return (null, false);
        }

        Progress.Report(new ProvisioningProgress(rank, offer.Backend, offer.Instance));
        var token = string.Create(CultureInfo.InvariantCulture, $"{_run.Name}-{rank}-{Guid.NewGuid():N}");
        var record = _store.AddInstance(_run.Id, _run.Name, rank, offer.Backend, offer.Region, offer.Instance, offer.PricePerHour, token, OfferJson(offer), _time.GetUtcNow());
        Instance instance;
        try
        {
            if (Group is not null)
            {
                _grouped.Add((backend, offer));
            }

            instance = await backend.ProvisionAsync(new ProvisionRequest(offer, _run.Name, rank, token) { Replacing = replacing, Group = Group, Nodes = _spec.Nodes, Containers = _spec.Image is not null }, Progress, cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException e)
        {
            _store.SetInstanceStatus(record.Id, InstanceStatus.Failed, _time.GetUtcNow());
            Event(rank, $"dstack: {e.Message}");
            return (null, e.NoCapacity);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The provider's own exception (a refusal before the launch, a network error): not the controller's failure.
            // The backend may have made the instance before it threw, so what the token names is terminated.
            Event(rank, $"dstack: provisioning {offer.Instance} in {offer.Region} for job {rank} failed: {e.Message}");
            await TerminateAsync(record.Id, backend, new Instance(offer, token, string.Empty)).ConfigureAwait(false);
            return (null, false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while provisioning: the backend may have created it; the end of the run terminates what is recorded.
            _store.SetInstanceStatus(record.Id, InstanceStatus.Terminating, _time.GetUtcNow());
            await TerminateAsync(record.Id, backend, new Instance(offer, token, string.Empty)).ConfigureAwait(false);
            return (null, false);
        }

        _store.SetInstanceRunning(record.Id, instance.InstanceId, instance.Address, OfferJson(instance.Offer));
        return (new RunMachine(record.Id, backend, instance, backend.HostOf(instance, Context)), false);
    }

    /// <summary>Where progress events go: the state store, where the attached front end follows them.</summary>
    private IProgress<RunProgress> Progress => _progress ??= new StoredProgress(this);

    private StoredProgress? _progress;

    /// <summary>The jobs' topology as provisioned: each machine's address and the GPUs each job gets.</summary>
    private JobTopology Topology => JobTopology.Of([.. _machines.Select(m => m!.Instance.Offer)], [.. _machines.Select(m => m!.Instance.Address)]);

    /// <summary>
    /// Replaces the machines of <paramref name="lost"/> jobs with offers that can be had now: an
    /// <paramref name="interrupted"/> instance's own offer first (the cloud makes a new instance of it), then the spares;
    /// false (with the reason in the log) when there are not enough. The stored spec follows, so the new machines count
    /// as busy.
    /// </summary>
    private async Task<bool> ReplaceLostMachinesAsync(IReadOnlyCollection<int> lost, IReadOnlySet<int> interrupted)
    {
        _spares ??= [.. _spec.Spares];
        foreach (var rank in lost)
        {
            var old = _machines[rank]!;
            _machines[rank] = null;
            old.Host.Dispose();
            await TerminateAsync(old.RecordId, old.Backend, old.Instance).ConfigureAwait(false);
            RunMachine? replacement = null;
            if (interrupted.Contains(rank))
            {
                (replacement, _) = await ProvisionAsync(rank, old.Instance.Offer, replacing: true, CancellationToken.None).ConfigureAwait(false);
            }

            while (_spares.Count > 0 && replacement is null)
            {
                var candidate = _spares[0];
                _spares.RemoveAt(0);
                (replacement, _) = await ProvisionAsync(rank, candidate, replacing: true, CancellationToken.None).ConfigureAwait(false);
            }

            if (replacement is null)
            {
                Event(0, $"dstack: no machine could be had to replace {old.Host.Name} ({(interrupted.Contains(rank) ? "its own offer and every spare were tried" : "every spare was tried")}); add machines to the run's backends or widen its offers (instance types, regions, max_price): dstack offer shows what can be had");
                return false;
            }

            Event(0, $"dstack: job {rank} moves from {old.Host.Name} to {replacement.Host.Name}");
            _machines[rank] = replacement;
        }

        _spec = _spec with { Placements = [.. _machines.Select(m => m!.Instance.Offer)], Spares = [.. _spares] };
        _store.SetSpec(_run.Id, _spec.WithoutSecrets().ToJson());
        return true;
    }

    /// <summary>Closes every host and terminates every instance of the run (at its end, however it ends).</summary>
    private async Task ReleaseMachinesAsync()
    {
        foreach (var machine in _machines.OfType<RunMachine>())
        {
            machine.Host.Dispose();
            await TerminateAsync(machine.RecordId, machine.Backend, machine.Instance).ConfigureAwait(false);
        }

        _machines.Clear();
        foreach (var backend in _grouped.GroupBy(g => g.Backend, g => g.Offer))
        {
            try
            {
                using var limit = new CancellationTokenSource(TerminateLimit);
                await backend.Key.ReleaseGroupAsync(Group!, [.. backend], limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Event(0, $"dstack: what {backend.Key.Name} made for the run's nodes could not be released yet: {e.Message}");
            }
        }

        _grouped.Clear();
    }

    private async Task TerminateAsync(long recordId, IBackend backend, Instance instance)
    {
        try
        {
            _store.SetInstanceStatus(recordId, InstanceStatus.Terminating, _time.GetUtcNow());
            using var limit = new CancellationTokenSource(TerminateLimit);
            await backend.TerminateAsync(instance, limit.Token).ConfigureAwait(false);
            _store.SetInstanceStatus(recordId, InstanceStatus.Terminated, _time.GetUtcNow());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Left "terminating": the next dstack command tries again (RunMonitor reconciles instances).
            Event(0, $"dstack: the instance {instance.InstanceId} ({instance.Offer.Backend}) could not be terminated yet: {e.Message}; dstack instance list shows it, and the next dstack command tries again");
        }
    }

    private static readonly TimeSpan TerminateLimit = TimeSpan.FromMinutes(2);

    internal static string OfferJson(Offer offer) => System.Text.Json.JsonSerializer.Serialize(offer, RunJsonContext.Default.Offer);

    /// <summary>
    /// Progress events into the state store; a store that is briefly busy loses an event, never the run. Upload
    /// progress is kept to one event per job every <see cref="UploadEventInterval"/>, and the last one.
    /// </summary>
    private sealed class StoredProgress(RunController controller) : IProgress<RunProgress>
    {
        private readonly Dictionary<int, DateTimeOffset> _lastUpload = [];

        public void Report(RunProgress value)
        {
            var now = controller._time.GetUtcNow();
            if (value is UploadProgress upload && upload.Sent < upload.Total)
            {
                lock (_lastUpload)
                {
                    if (_lastUpload.TryGetValue(upload.Rank, out var last) && now - last < UploadEventInterval)
                    {
                        return;
                    }

                    _lastUpload[upload.Rank] = now;
                }
            }

            try
            {
                controller._store.AddRunEvent(controller._run.Id, value, now);
            }
            catch (StateException)
            {
            }
        }
    }

    private static readonly TimeSpan UploadEventInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A job's machine: its instance record, the backend that made it, the instance, and its host.</summary>
    private sealed record RunMachine(long RecordId, IBackend Backend, Instance Instance, IJobHost Host);
}
