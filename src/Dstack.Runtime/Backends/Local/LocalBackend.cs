using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Backends.Local;

/// <summary>
/// This machine as a backend: one offer (region and instance type <c>local</c>, on-demand, free) that takes every node
/// of a run. It fits when the machine has the resources (only what the configuration writes is required: dstack's cloud
/// defaults are not enforced here), a Python of the requested version, a Docker engine for <c>image</c>, and GPUs no
/// other run holds. Provisioning takes the machine; terminating releases it.
/// </summary>
public sealed class LocalBackend(LocalMachineFacts facts) : IBackend
{
    public const string BackendName = "local";

    /// <summary>The region (and instance type) of this machine's offer.</summary>
    public const string Region = "local";

    /// <summary>This machine's offer without its details: where a job ran when a run's spec names no placement.</summary>
    public static readonly Offer ThisMachine = new(BackendName, Region, BackendName, new MachineResources(0, default, default, []), Spot: false, PricePerHour: 0m) { Capacity = int.MaxValue, JobsShareMachine = true };

    public string Name => BackendName;

    public string Summary => $"this machine ({System.Environment.MachineName})";

    public IReadOnlyList<string> Machines => [];

    /// <summary>This machine always works; the check says what it has.</summary>
    public Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BackendCheck>>([new BackendCheck(System.Environment.MachineName, true, "ok", $"this machine: {facts.Machine()}")]);

    public bool IsAdmitted(Requirements requirements) => requirements.Admits(BackendType.Local);

    public BackendOffers GetOffers(Requirements requirements, OfferContext context)
    {
        var machine = facts.Machine();
        var problems = new List<OfferProblem>();
        var unmet = new List<string>();
        void Lacks(string shortReason, OfferProblem problem)
        {
            unmet.Add(shortReason);
            problems.Add(problem);
        }

        string? python = null;
        if (requirements.Python is { } version)
        {
            var lookup = facts.FindPython(version, context.Environment.GetValueOrDefault("PATH"));
            python = lookup.Executable;
            if (python is null)
            {
                Lacks($"python: no Python {version} on this machine", OfferProblem.Error(DiagnosticCodes.NoMatchingPython, lookup.ErrorMessage(version), "python"));
            }
        }

        if (requirements.Image is { } image && facts.Docker() is { Available: false } docker)
        {
            Lacks($"image: no Docker engine ({docker.Reason})", OfferProblem.Error(DiagnosticCodes.DockerUnavailable, docker.ErrorMessage(image), "image"));
        }

        foreach (var (shortReason, message) in requirements.VolumeProblems("this machine"))
        {
            Lacks(shortReason, OfferProblem.Error(DiagnosticCodes.InvalidVolume, message, "volumes"));
        }

        var resourcesUnmet = ResourceMatcher.Unmet(requirements.Resources, machine, enforceDefaults: false);
        if (resourcesUnmet.Count > 0)
        {
            unmet.AddRange(resourcesUnmet);
            problems.Add(OfferProblem.Error(DiagnosticCodes.ResourcesUnmet, $"this machine cannot run the configuration: {string.Join("; ", resourcesUnmet)}. Lower the requirement (or use --gpu/--disk), or run it on a bigger machine", "resources"));
        }

        var gpus = AllocateGpus(requirements, machine, context, resourcesUnmet.Count == 0, out var capacityProblem);
        if (capacityProblem is not null)
        {
            Lacks("no capacity: its GPUs are held by other runs", capacityProblem);
        }

        foreach (var (shortReason, problem) in Filters(requirements))
        {
            Lacks(shortReason, problem);
        }

        var offer = new Offer(BackendName, Region, BackendName, machine, Spot: false, PricePerHour: 0m)
        {
            Capacity = int.MaxValue,
            JobsShareMachine = true,
            Display = $"local ({System.Environment.MachineName})",
            Gpus = gpus,
            Data = python is not null ? new Dictionary<string, string> { [PythonKey] = python } : new Dictionary<string, string>(),
        };
        return new BackendOffers(BackendName, [new OfferCandidate(offer, unmet)], problems);
    }

    /// <summary>The offer's entry with the Python interpreter the jobs run with.</summary>
    public const string PythonKey = Offer.PythonKey;

    public Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken) =>
        Task.FromResult(new Instance(request.Offer, $"local-{request.RunName}-{request.Rank}", "127.0.0.1"));

    public Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken) => Task.FromResult<bool?>(true);

    /// <summary>This machine is never terminated; its jobs' processes are the host's to end.</summary>
    public Task TerminateAsync(Instance instance, CancellationToken cancellationToken) => Task.CompletedTask;

    public IJobHost HostOf(Instance instance, HostContext context) => new LocalHost(instance, context);

    /// <summary>
    /// The GPUs a job gets (nvidia-smi indexes), chosen among those no active run holds. When the machine has enough
    /// but other runs hold them, that is a no-capacity problem naming those runs.
    /// </summary>
    private static IReadOnlyList<int> AllocateGpus(Requirements requirements, MachineResources machine, OfferContext context, bool machineFits, out OfferProblem? problem)
    {
        problem = null;
        if (machine.Gpus.Count == 0)
        {
            return [];
        }

        var inUse = new Dictionary<int, string>();
        foreach (var held in context.InUse().Where(h => h.Offer.Backend == BackendName))
        {
            foreach (var gpu in held.Offer.Gpus)
            {
                inUse.TryAdd(gpu, held.RunName);
            }
        }

        var free = Enumerable.Range(0, machine.Gpus.Count).Where(i => !inUse.ContainsKey(i)).ToList();
        var freeMachine = machine with { Gpus = [.. free.Select(i => machine.Gpus[i])] };
        var resources = requirements.Resources;
        if (machineFits && resources.Gpu is not null && ResourceMatcher.Unmet(resources, freeMachine, enforceDefaults: false).Count > 0)
        {
            var holders = inUse.OrderBy(h => h.Key).Select(h => $"GPU {h.Key} by {h.Value}");
            problem = OfferProblem.Error(
                DiagnosticCodes.NoCapacity,
                $"no capacity: the GPUs this run needs ({resources.Gpu}) are held by other runs ({string.Join(", ", holders)}); wait for them to end, stop one (dstack stop RUN), or add `retry: {{on_events: [no-capacity]}}` to wait automatically",
                "resources");
            return [];
        }

        var chosen = new List<int>();
        foreach (var gpu in ResourceMatcher.Allocate(resources.Gpu, freeMachine.Gpus))
        {
            chosen.Add(free.First(i => !chosen.Contains(i) && machine.Gpus[i] == gpu));
        }

        return chosen;
    }

    /// <summary>The offer filters that leave this machine out, each in a few words and in full.</summary>
    private static IEnumerable<(string Short, OfferProblem Problem)> Filters(Requirements requirements)
    {
        if (requirements.Regions is { Count: > 0 } regions && !regions.Contains(Region, StringComparer.OrdinalIgnoreCase))
        {
            yield return ($"regions: [{string.Join(", ", regions)}] leaves out this machine (its region is local)",
                OfferProblem.Error(DiagnosticCodes.NoOffers, $"no offers: regions [{string.Join(", ", regions)}] excludes this machine (its region is `local`); remove regions from the configuration or profile, or pass -r local"));
        }

        if (requirements.InstanceTypes is { Count: > 0 } types && !types.Contains(BackendName, StringComparer.OrdinalIgnoreCase))
        {
            yield return ($"instance_types: [{string.Join(", ", types)}] leaves out this machine (its instance type is local)",
                OfferProblem.Error(DiagnosticCodes.NoOffers, $"no offers: instance_types [{string.Join(", ", types)}] excludes this machine (its instance type is `local`); remove instance_types, or add local"));
        }

        if (requirements.SpotPolicy == SpotPolicy.Spot)
        {
            yield return ("spot_policy: spot asks for spot instances, and this machine is on-demand",
                OfferProblem.Error(DiagnosticCodes.NoOffers, "no offers: spot_policy spot asks for spot instances, and this machine is on-demand; use --on-demand or --spot-auto (auto takes on-demand when there is no spot)"));
        }

        // max_price: this machine costs $0/hour, so every max_price admits it.
    }
}
