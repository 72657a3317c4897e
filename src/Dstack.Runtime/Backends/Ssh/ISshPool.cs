using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Probes;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;

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

/// <summary>
/// The hosts of config.yml, each probed through <see cref="SshProbeCache"/> (shared by every dstack process: a recent
/// probe is reused, a probe kept by another process taken at once) as the pool's <see cref="IProbes"/> do it: the
/// CLI's when asked, every host at once, waiting for ssh; the editor's in the background, never on the request path
/// (a probe may take <see cref="SshHostProbe.DefaultTimeout"/> for a host that is down), answering with each host's
/// latest probe: none yet for a host still being probed, which the backend shows as
/// <see cref="SshBackend.ProbingText"/>. The probes of hosts no longer in the pool are forgotten.
/// </summary>
public sealed class ProbingSshPool : ISshPool
{
    private const string Scope = "ssh/";

    private readonly DstackHome _home;
    private readonly IProbes _probes;
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan? _timeout;

    /// <param name="home">Where the probe cache and the known hosts are.</param>
    /// <param name="hosts">The pool's hosts.</param>
    /// <param name="probes">How a host is probed: now, or in the background.</param>
    /// <param name="maxAge">How old a probe may be before it is made again (default <see cref="SshProbeCache.DefaultMaxAge"/>).</param>
    /// <param name="timeout">How long one probe may take (default <see cref="SshHostProbe.DefaultTimeout"/>).</param>
    public ProbingSshPool(DstackHome home, IReadOnlyList<SshHost> hosts, IProbes probes, TimeSpan? maxAge = null, TimeSpan? timeout = null)
    {
        _home = home;
        Hosts = hosts;
        _probes = probes;
        _maxAge = maxAge ?? SshProbeCache.DefaultMaxAge;
        _timeout = timeout;
        probes.Retain(Scope, [.. hosts.Select(KeyOf)]);
    }

    public IReadOnlyList<SshHost> Hosts { get; }

    public IReadOnlyList<SshProbeResult?> Probe(IReadOnlyList<SshHost> hosts) => _probes.LatestAll([.. hosts.Select(ProbeOf)]);

    /// <summary>A host's key: everything that tells it from another (its name, address, key, jump host).</summary>
    private static string KeyOf(SshHost host) => Scope + host;

    private Probe<SshProbeResult> ProbeOf(SshHost host) => new(KeyOf(host), () => ProbeNow(host), _maxAge)
    {
        Kept = () => SshProbeCache.Cached(_home, host, _maxAge),
        Shown = p => $"{p.Resources}|{p.Problem?.Code} {p.Problem?.Message}",
    };

    private SshProbeResult ProbeNow(SshHost host)
    {
        try
        {
            return SshProbeCache.Probe(_home, host, _maxAge, _timeout);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            var problem = new Diagnostic(DiagnosticCodes.HostProbeFailed, DiagnosticSeverity.Error, $"{host.Name} ({host.Address}) could not be probed: {e.Message}", SourceSpan.FileStart, null);
            return new SshProbeResult(host, null, problem);
        }
    }
}
