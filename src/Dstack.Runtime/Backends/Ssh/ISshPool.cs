using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// The SSH backend's view of its hosts: which there are and what each has. <c>dstack run</c> probes a host when its
/// cached probe is old (<see cref="ProbingSshPool"/>); the editor answers from probes run in the background and knows
/// nothing yet about a host still being probed.
/// </summary>
public interface ISshPool
{
    /// <summary>The pool's hosts, in their order (the order offers are taken in).</summary>
    IReadOnlyList<SshHost> Hosts { get; }

    /// <summary>What each host has, by the hosts' order; null for one not probed yet.</summary>
    IReadOnlyList<SshProbeResult?> Probe(IReadOnlyList<SshHost> hosts);
}

/// <summary>The hosts of config.yml, probed through <see cref="SshProbeCache"/> (a recent probe is reused; others wait for ssh).</summary>
public sealed class ProbingSshPool(State.DstackHome home, IReadOnlyList<SshHost> hosts, TimeSpan? maxAge = null) : ISshPool
{
    public IReadOnlyList<SshHost> Hosts { get; } = hosts;

    public IReadOnlyList<SshProbeResult?> Probe(IReadOnlyList<SshHost> hosts) => SshProbeCache.ProbeAll(home, hosts, maxAge);
}
