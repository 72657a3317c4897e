using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// The SSH pool as a backend (<c>dstack pool add-ssh</c>): one offer per host (backend and region <c>ssh</c>, instance
/// type the pool name, on-demand, free), each probed and matched; a host busy with another run, unreachable, or too
/// small is left out with its reason. A host runs one job of one run at a time, as a dstack fleet instance does. Only
/// what the configuration writes is required (dstack's cloud defaults are not). Provisioning checks that the host
/// answers; terminating releases it; its jobs run on a <see cref="RemoteHost"/>.
/// </summary>
public sealed class SshBackend(DstackHome home, ISshPool pool) : IBackend
{
    public const string BackendName = "ssh";

    /// <summary>The region of an SSH host's offer.</summary>
    public const string Region = "ssh";

    public string Name => BackendName;

    /// <inheritdoc/>
    public bool OneRunPerMachine => true;

    public ISshPool Pool { get; } = pool;

    public string Summary => Pool.Hosts.Count == 1 ? $"1 host: {Pool.Hosts[0].Name}" : $"{Pool.Hosts.Count} hosts: {string.Join(", ", Pool.Hosts.Select(h => h.Name))}";

    public IReadOnlyList<string> Machines => [.. Pool.Hosts.Select(h => h.Name)];

    /// <summary>Probes every host afresh, all at once (a list of unreachable hosts takes one timeout, not one per host).</summary>
    public Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken) => Task.Run<IReadOnlyList<BackendCheck>>(
        () => [.. SshProbeCache.ProbeAll(home, Pool.Hosts, TimeSpan.Zero).Select(p => p.Succeeded
            ? new BackendCheck(p.Host.Name, true, "reachable", $"{p.Host.Address}: {p.Resources}")
            : new BackendCheck(p.Host.Name, false, "unreachable", $"{p.Problem!.Code} {p.Problem.Message}"))],
        cancellationToken);

    public bool IsAdmitted(Requirements requirements) => requirements.Admits(BackendType.Ssh, BackendType.Remote);

    public BackendOffers GetOffers(Requirements requirements, OfferContext context)
    {
        var hosts = Pool.Hosts;
        var filters = Filters(requirements, hosts).ToList();
        if (filters.Count > 0)
        {
            // Left out whatever they have: no host is probed.
            var shortReasons = filters.Where(f => f.Short is not null).Select(f => f.Short!).ToList();
            return new BackendOffers(BackendName, [.. hosts.Select(h => new OfferCandidate(OfferOf(h, null, []), [.. shortReasons, .. InstanceTypeReason(requirements, h)]))], [.. filters.Select(f => f.Problem)]);
        }

        var busy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var held in context.InUse().Where(h => h.Offer.Backend == BackendName))
        {
            busy.TryAdd(held.Offer.Instance, held.RunName);
        }

        var wanted = requirements.InstanceTypes is { Count: > 0 } types ? hosts.Where(h => types.Contains(h.Name, StringComparer.OrdinalIgnoreCase)).ToList() : [.. hosts];
        var free = wanted.Where(h => !busy.ContainsKey(h.Name)).ToList();
        var probes = Pool.Probe(free);
        var candidates = new List<OfferCandidate>();
        var notOffered = new List<string>();
        foreach (var host in hosts)
        {
            var unmet = new List<string>();
            MachineResources? resources = null;
            IReadOnlyList<int> gpus = [];
            if (!wanted.Contains(host))
            {
                unmet.AddRange(InstanceTypeReason(requirements, host));
            }
            else if (busy.TryGetValue(host.Name, out var run))
            {
                unmet.Add($"busy with the run {run}");
            }
            else if (probes[free.IndexOf(host)] is not { } probe)
            {
                unmet.Add(ProbingText);
            }
            else if (!probe.Succeeded)
            {
                unmet.Add($"{probe.Problem!.Code} {probe.Problem.Message}");
            }
            else
            {
                resources = probe.Resources!;
                unmet.AddRange(ResourceMatcher.Unmet(requirements.Resources, resources, enforceDefaults: false));
                if (requirements.Image is not null && !probe.HasDockerEngine)
                {
                    unmet.Add(NoEngineReason(host));
                }

                gpus = unmet.Count == 0 ? GpusFor(requirements, resources) : [];
            }

            if (wanted.Contains(host) && unmet.Count > 0)
            {
                notOffered.Add($"{host.Name}: {string.Join("; ", unmet)}");
            }

            var offer = OfferOf(host, resources, gpus) with
            {
                Availability = busy.ContainsKey(host.Name) ? OfferAvailability.Busy : resources is null ? OfferAvailability.Unknown : OfferAvailability.Available,
            };
            candidates.Add(new OfferCandidate(offer, unmet));
        }

        var fitting = candidates.Where(c => c.Fits).ToList();
        var problems = new List<OfferProblem>();
        if (fitting.Count < requirements.Nodes)
        {
            var nodes = requirements.Nodes;
            var jobs = requirements.Service ? "replicas" : "nodes";
            var need = nodes == 1 ? "no SSH host can run it" : $"{jobs}: {nodes} needs {nodes} free SSH hosts that fit (one per {(requirements.Service ? "replica" : "node")}), and {fitting.Count} {(fitting.Count == 1 ? "does" : "do")}";
            problems.Add(OfferProblem.Error(
                DiagnosticCodes.NoOffers,
                $"{need}: {string.Join("; ", notOffered.Concat(fitting.Select(f => $"{f.Offer.Instance}: fits")))}. Lower the requirement, free a host (dstack ps), or add one (dstack pool add-ssh)",
                nodes > 1 ? jobs : "resources"));
            return new BackendOffers(BackendName, candidates, problems);
        }

        if (requirements.Python is { } python)
        {
            problems.Add(new OfferProblem(DiagnosticCodes.NoMatchingPython, DiagnosticSeverity.Warning, $"python: on SSH hosts the job runs with the host's own python3 (dstack does not install Python {python} there); check `python3 --version` on the host", "python"));
        }

        problems.AddRange(notOffered.Select(reason => new OfferProblem(DiagnosticCodes.NoOffers, DiagnosticSeverity.Info, $"not offered: {reason}")));
        return new BackendOffers(BackendName, candidates, problems);
    }

    /// <summary>Why a host without a usable Docker engine cannot run a job with an <c>image</c>.</summary>
    public static string NoEngineReason(SshHost host) =>
        $"image: {host.Name} has no Docker engine {SshDockerForward.UserOf(host)} can use ({SshHostProbe.DockerSocket} is missing or not writable): install docker.io there and add the user to the docker group, or remove image:";

    /// <summary>The unmet requirement of a host whose first probe has not answered yet (the editor's view).</summary>
    public const string ProbingText = "probing…";

    /// <summary>Takes the host (a spare taking over a lost host's job is probed afresh first).</summary>
    public Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var host = HostOf(request.Offer);
        if (request.Replacing)
        {
            var probe = SshProbeCache.Probe(home, host, TimeSpan.Zero);
            if (!probe.Succeeded)
            {
                throw new ProvisioningException($"the spare host {host.Name} cannot take over: {probe.Problem!.Message}");
            }
        }

        return Task.FromResult(new Instance(request.Offer, host.Name, SshNodeAddress.Of(host.Host)));
    }

    /// <summary>A pool host stays in the pool; whether it answers is learnt when it is used.</summary>
    public Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken) => Task.FromResult<bool?>(true);

    /// <summary>Releases the host: nothing to do on it (the job's folder is removed by its host when the job ends).</summary>
    public Task TerminateAsync(Instance instance, CancellationToken cancellationToken) => Task.CompletedTask;

    public IJobHost HostOf(Instance instance, HostContext context) => new RemoteHost(HostOf(instance.Offer), instance, context);

    /// <summary>The pool host an offer of this backend names (its details travel in <see cref="Offer.Data"/>).</summary>
    public static SshHost HostOf(Offer offer)
    {
        var data = offer.Data;
        return new SshHost(
            data.GetValueOrDefault("name", offer.Instance),
            data.GetValueOrDefault("user", string.Empty),
            data.GetValueOrDefault("host", string.Empty),
            data.TryGetValue("port", out var port) && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null,
            data.GetValueOrDefault("identity_file"),
            data.GetValueOrDefault("proxy_jump"));
    }

    private static Offer OfferOf(SshHost host, MachineResources? resources, IReadOnlyList<int> gpus)
    {
        var data = new Dictionary<string, string> { ["name"] = host.Name, ["user"] = host.User, ["host"] = host.Host };
        if (host.Port is { } port)
        {
            data["port"] = port.ToString(CultureInfo.InvariantCulture);
        }

        if (host.IdentityFile is { } identity)
        {
            data["identity_file"] = identity;
        }

        if (host.ProxyJump is { } jump)
        {
            data["proxy_jump"] = jump;
        }

        return new Offer(BackendName, Region, host.Name, resources ?? Unknown, Spot: false, PricePerHour: 0m)
        {
            Display = $"{host.Name} ({host.Address})",
            Gpus = gpus,
            Data = data,
        };
    }

    private static readonly MachineResources Unknown = new(0, default, default, []);

    private static IReadOnlyList<int> GpusFor(Requirements requirements, MachineResources machine)
    {
        var chosen = new List<int>();
        foreach (var gpu in ResourceMatcher.Allocate(requirements.Resources.Gpu, machine.Gpus))
        {
            chosen.Add(Enumerable.Range(0, machine.Gpus.Count).First(i => !chosen.Contains(i) && machine.Gpus[i] == gpu));
        }

        return chosen;
    }

    private static IEnumerable<string> InstanceTypeReason(Requirements requirements, SshHost host)
    {
        if (requirements.InstanceTypes is { Count: > 0 } types && !types.Contains(host.Name, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"instance_types: [{string.Join(", ", types)}] leaves out {host.Name} (an SSH host's instance type is its pool name)";
        }
    }

    /// <summary>What the SSH hosts never offer, whatever they have, each in a few words and in full.</summary>
    private static IEnumerable<(string? Short, OfferProblem Problem)> Filters(Requirements requirements, IReadOnlyList<SshHost> hosts)
    {
        if (requirements.Build)
        {
            yield return ("build: SSH hosts do not keep a prepared environment between runs yet",
                OfferProblem.Error(DiagnosticCodes.UnsupportedOnSsh, "build: SSH hosts do not keep a prepared environment between runs yet; move the build commands to the start of `commands`, or run locally (-b local)", "build"));
        }

        foreach (var (shortReason, message) in requirements.VolumeProblems("the SSH host"))
        {
            yield return (shortReason, OfferProblem.Error(DiagnosticCodes.InvalidVolume, message, "volumes"));
        }

        if (requirements.Reload)
        {
            yield return ("--reload: edits reach a job on this machine only",
                OfferProblem.Error(DiagnosticCodes.UnsupportedOnSsh, "--reload copies changes into a job on this machine only; run without --reload on SSH hosts, or run locally (-b local)"));
        }

        if (requirements.SpotPolicy == SpotPolicy.Spot)
        {
            yield return ("spot_policy: spot asks for spot instances, and SSH hosts are on-demand",
                OfferProblem.Error(DiagnosticCodes.NoOffers, "no offers: spot_policy spot asks for spot instances, and SSH hosts are on-demand; use --on-demand or --spot-auto"));
        }

        if (requirements.Regions is { Count: > 0 } regions && !regions.Contains(Region, StringComparer.OrdinalIgnoreCase))
        {
            yield return ($"regions: [{string.Join(", ", regions)}] leaves out the SSH hosts (their region is ssh)",
                OfferProblem.Error(DiagnosticCodes.NoOffers, $"no offers: regions [{string.Join(", ", regions)}] excludes the SSH hosts (their region is `ssh`); remove regions, or pass -r ssh"));
        }

        if (requirements.InstanceTypes is { Count: > 0 } types && !hosts.Any(h => types.Contains(h.Name, StringComparer.OrdinalIgnoreCase)))
        {
            // Each host names itself as left out (InstanceTypeReason).
            yield return (null,
                OfferProblem.Error(DiagnosticCodes.NoOffers, $"no offers: instance_types [{string.Join(", ", types)}] names no SSH host (their instance types are their pool names: {string.Join(", ", hosts.Select(h => h.Name))})"));
        }
    }
}
