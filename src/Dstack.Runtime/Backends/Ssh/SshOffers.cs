using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// Which hosts of the SSH pool can take a run: each is probed (through <see cref="SshProbeCache"/>), matched against
/// the resources, and left out with its reason when it is unreachable, too small, or busy with another run (a host
/// runs one run at a time, as a dstack fleet instance does). Only what the configuration writes is required on a
/// host: dstack's cloud defaults (2.. CPUs, 8GB.. memory, 100GB.. disk) are not, as on the local machine.
/// </summary>
public static class SshOffers
{
    /// <param name="home">Where the probe cache and known hosts live.</param>
    /// <param name="hosts">The pool, in its order (the order offers are taken in).</param>
    /// <param name="resources">What the run asks for.</param>
    /// <param name="busy">Hosts held by active runs: pool name → run name.</param>
    /// <param name="maxAge">How old a cached probe may be.</param>
    public static SshOfferSearch Find(DstackHome home, IReadOnlyList<SshHost> hosts, ResourcesSpec resources, IReadOnlyDictionary<string, string> busy, TimeSpan? maxAge = null)
    {
        var free = hosts.Where(h => !busy.ContainsKey(h.Name)).ToList();
        var probes = SshProbeCache.ProbeAll(home, free, maxAge);
        var fitting = new List<SshOffer>();
        var left = new List<string>();
        foreach (var host in hosts)
        {
            if (busy.TryGetValue(host.Name, out var run))
            {
                left.Add($"{host.Name}: busy with the run {run}");
                continue;
            }

            var probe = probes[free.IndexOf(host)];
            if (!probe.Succeeded)
            {
                left.Add($"{host.Name}: {probe.Problem!.Code} {probe.Problem.Message}");
                continue;
            }

            var unmet = ResourceMatcher.Unmet(resources, probe.Resources!, enforceDefaults: false);
            if (unmet.Count > 0)
            {
                left.Add($"{host.Name}: {string.Join("; ", unmet)}");
                continue;
            }

            var machine = probe.Resources!;
            var chosen = new List<int>();
            foreach (var gpu in ResourceMatcher.Allocate(resources.Gpu, machine.Gpus))
            {
                chosen.Add(Enumerable.Range(0, machine.Gpus.Count).First(i => !chosen.Contains(i) && machine.Gpus[i] == gpu));
            }

            fitting.Add(new SshOffer(host, machine, chosen));
        }

        return new SshOfferSearch(fitting, left);
    }

    /// <summary>The address other jobs reach a host at: its IP, resolved here when it is a name (else the name as written).</summary>
    public static string NodeAddress(string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return host;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return (addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault())?.ToString() ?? host;
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return host;
        }
    }
}

/// <summary>The hosts that fit, in pool order, and for each host left out, why (<c>gpu1: busy with the run X</c>).</summary>
public sealed record SshOfferSearch(IReadOnlyList<SshOffer> Fitting, IReadOnlyList<string> NotOffered);
