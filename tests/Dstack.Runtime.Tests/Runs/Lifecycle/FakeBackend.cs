using System.Globalization;
using System.Threading.Channels;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A cloud that is not there: it offers the machines a test gives it (matched as every backend matches), records each
/// provisioning with the instance record the store held at that moment, refuses the instance types a test names,
/// terminates, and gives a <see cref="FakeHost"/> per instance.
/// </summary>
internal sealed class FakeBackend(StateStore? store = null) : IBackend
{
    public const string BackendName = "fake";

    /// <summary>As pool hosts: one of its machines runs one run at a time.</summary>
    public bool OneRunPerMachine => true;

    private int _instances;

    public string Name => BackendName;

    public string Summary => "a fake cloud";

    public IReadOnlyList<string> Machines => [];

    public Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<BackendCheck>>([new BackendCheck(string.Empty, true, "ok", "fake")]);

    /// <summary>What it offers.</summary>
    public List<Offer> Catalog { get; } = [];

    /// <summary>Instance types whose provisioning fails with no capacity.</summary>
    public HashSet<string> NoCapacityFor { get; } = [];

    public List<(ProvisionRequest Request, InstanceRecord? Recorded)> Provisions { get; } = [];

    public List<Instance> Terminated { get; } = [];

    /// <summary>Each release of a run's group: the group, the offers asked for it, and how many instances were terminated by then.</summary>
    public List<(string Group, IReadOnlyList<Offer> Offers, int TerminatedBefore)> ReleasedGroups { get; } = [];

    public Dictionary<string, FakeHost> Hosts { get; } = [];

    /// <summary>Every job any host starts, in order.</summary>
    public Channel<FakeJob> Started { get; } = Channel.CreateUnbounded<FakeJob>();

    /// <summary>Holds every upload until completed (completed at first).</summary>
    public TaskCompletionSource UploadGate { get; set; } = Completed();

    public string? UploadProblem { get; set; }

    /// <summary>When set, provisioning fails with it, as a provider's client that throws its own exception (a refusal, a network error).</summary>
    public Exception? ProvisionProblem { get; set; }

    public bool JobsIgnoreTerminate { get; set; }

    /// <summary>Where a service replica's port is reached from the controller, by rank and port (default: 127.0.0.1 at the port).</summary>
    public Func<int, int, Uri>? ReplicaAddress { get; set; }

    /// <summary>What each host reports while it makes a job's image ready (a pull's progress), for its rank; none at first.</summary>
    public Func<int, IReadOnlyList<RunProgress>> ImageProgress { get; set; } = _ => [];

    public static Offer Machine(string instance, decimal price, int gpus = 0, bool spot = false) =>
        new(BackendName, "fake-region-1", instance, new MachineResources(16, new Memory(64), new Memory(200), [.. Enumerable.Repeat(new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80)), gpus)]), spot, price)
        {
            Gpus = [.. Enumerable.Range(0, gpus)],
            Capacity = 1,
        };

    public bool IsAdmitted(Requirements requirements) => requirements.Backends is null;

    /// <summary>
    /// Every machine of the catalog with what it lacks; one another run holds is busy, and when the only machines that
    /// fit are busy, that is no capacity (a retry on no-capacity waits for them).
    /// </summary>
    public BackendOffers GetOffers(Requirements requirements, OfferContext context)
    {
        var held = context.InUse().Where(h => h.Offer.Backend == BackendName).ToDictionary(h => h.Offer.Instance, h => h.RunName);
        var candidates = Catalog.Select(m => held.TryGetValue(m.Instance, out var run)
            ? new OfferCandidate(m with { Availability = OfferAvailability.Busy }, [.. Unmet(requirements, m), $"busy with the run {run}"])
            : new OfferCandidate(m, Unmet(requirements, m))).ToList();
        var busyButFitting = candidates.Where(c => c.Offer.Availability == OfferAvailability.Busy && c.Unmet.Count == 1).ToList();
        IReadOnlyList<OfferProblem> problems = !candidates.Any(c => c.Fits) && busyButFitting.Count > 0
            ? [OfferProblem.Error(Diagnostics.DiagnosticCodes.NoCapacity, $"no capacity: {string.Join(", ", busyButFitting.Select(c => c.Offer.Instance))} held by other runs", "resources")]
            : [];
        return new(BackendName, candidates, problems);
    }

    private static List<string> Unmet(Requirements requirements, Offer offer)
    {
        var unmet = ResourceMatcher.Unmet(requirements.Resources, offer.Resources, enforceDefaults: false).ToList();
        if (requirements.SpotPolicy == SpotPolicy.Spot && !offer.Spot)
        {
            unmet.Add("spot_policy: spot, and this offer is on-demand");
        }

        // On-demand unless the policy says otherwise, as dstack's tasks.
        if (requirements.SpotPolicy is null or SpotPolicy.OnDemand && offer.Spot)
        {
            unmet.Add("spot_policy: on-demand, and this offer is spot");
        }

        if (requirements.MaxPrice is { } max && (double)offer.PricePerHour > max)
        {
            unmet.Add(string.Create(CultureInfo.InvariantCulture, $"max_price: ${max}, and it costs ${offer.PricePerHour}"));
        }

        return unmet;
    }

    public Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var recorded = store?.ListInstances(all: true).FirstOrDefault(i => i.Token == request.Token);
        lock (Provisions)
        {
            Provisions.Add((request, recorded));
        }

        if (ProvisionProblem is { } problem)
        {
            throw problem;
        }

        bool full;
        lock (NoCapacityFor)
        {
            full = NoCapacityFor.Contains(request.Offer.Instance);
        }

        if (full)
        {
            throw new ProvisioningException($"no capacity for {request.Offer.Instance} in fake-region-1 now", noCapacity: true);
        }

        var number = Interlocked.Increment(ref _instances);
        return Task.FromResult(new Instance(request.Offer, string.Create(CultureInfo.InvariantCulture, $"i-{number:000}"), string.Create(CultureInfo.InvariantCulture, $"10.0.0.{number}")));
    }

    public Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken) => Task.FromResult<bool?>(!Terminated.Contains(instance));

    /// <summary>Why the cloud took each instance back, by instance id (a spot interruption); the others were not.</summary>
    public Dictionary<string, string> Interruptions { get; } = [];

    /// <summary>When set, asking why an instance is gone fails with it, as an API that does not answer.</summary>
    public Exception? InterruptionProblem { get; set; }

    /// <summary>Called each time the controller asks why an instance is gone, before the answer.</summary>
    public Action<Instance>? InterruptionAsked { get; set; }

    public Task<string?> InterruptionOfAsync(Instance instance, CancellationToken cancellationToken)
    {
        InterruptionAsked?.Invoke(instance);
        if (InterruptionProblem is { } problem)
        {
            return Task.FromException<string?>(problem);
        }

        lock (Interruptions)
        {
            return Task.FromResult(Interruptions.GetValueOrDefault(instance.InstanceId));
        }
    }

    public Task TerminateAsync(Instance instance, CancellationToken cancellationToken)
    {
        lock (Terminated)
        {
            Terminated.Add(instance);
        }

        return Task.CompletedTask;
    }

    public Task ReleaseGroupAsync(string group, IReadOnlyList<Offer> offers, CancellationToken cancellationToken)
    {
        lock (Terminated)
        {
            ReleasedGroups.Add((group, offers, Terminated.Count));
        }

        return Task.CompletedTask;
    }

    public IJobHost HostOf(Instance instance, HostContext context)
    {
        lock (Hosts)
        {
            if (!Hosts.TryGetValue(instance.InstanceId, out var host))
            {
                host = new FakeHost(this, instance);
                Hosts[instance.InstanceId] = host;
            }

            return host;
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
