using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// The SSH pool's hosts as the editor knows them: each probed in the background through <see cref="SshProbeCache"/>
/// (shared with the CLI), never on the request path, since a probe may take <see cref="SshHostProbe.DefaultTimeout"/>
/// for a host that is down. The SSH backend is given a pool (<see cref="Of"/>) that answers at once with each host's
/// latest probe: none yet for a host still being probed, which the backend shows as <see cref="SshBackend.ProbingText"/>.
/// </summary>
public sealed class PoolProbes
{
    private readonly Lock _gate = new();
    private readonly DstackHome _home;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _probeTimeout;
    private readonly Action _changed;
    private readonly Dictionary<SshHost, LatestRead<SshProbeResult>> _probes = [];

    /// <param name="home">Where the probe cache and the known hosts are.</param>
    /// <param name="time">The clock for <paramref name="maxAge"/>.</param>
    /// <param name="maxAge">How old a probe may be before a request starts a new one.</param>
    /// <param name="probeTimeout">How long one probe may take (default <see cref="SshHostProbe.DefaultTimeout"/>).</param>
    /// <param name="changed">Called (on a background thread) when a probe changed what a request would answer.</param>
    public PoolProbes(DstackHome home, TimeProvider time, TimeSpan maxAge, TimeSpan? probeTimeout, Action changed)
    {
        _home = home;
        _time = time;
        MaxAge = maxAge;
        _probeTimeout = probeTimeout;
        _changed = changed;
    }

    public TimeSpan MaxAge { get; }

    /// <summary>The probes in progress, or a completed task.</summary>
    public Task Refreshing
    {
        get
        {
            lock (_gate)
            {
                return Task.WhenAll(_probes.Values.Select(p => p.Running));
            }
        }
    }

    /// <summary>
    /// The pool of config.yml's <paramref name="hosts"/> as it is read now, for the SSH backend; the probes of hosts no
    /// longer in it are dropped, those of hosts still in it are kept.
    /// </summary>
    public ISshPool Of(IReadOnlyList<SshHost> hosts)
    {
        lock (_gate)
        {
            foreach (var gone in _probes.Keys.Where(h => !hosts.Contains(h)).ToList())
            {
                _probes.Remove(gone);
            }
        }

        return new KnownPool(this, hosts);
    }

    /// <summary>The host's latest probe, or null before the first; starts a background probe when there is none or it is stale.</summary>
    public SshProbeResult? Latest(SshHost host)
    {
        LatestRead<SshProbeResult> latest;
        lock (_gate)
        {
            if (!_probes.TryGetValue(host, out latest!))
            {
                latest = new LatestRead<SshProbeResult>(() => ProbeNow(host), p => $"{p.Resources}|{p.Problem?.Code} {p.Problem?.Message}", _time, MaxAge, _changed);
                _probes[host] = latest;
                // A probe another dstack process kept is taken at once.
                if (SshProbeCache.Cached(_home, host, MaxAge) is { } kept)
                {
                    latest.Seed(kept);
                }
            }
        }

        return latest.Get();
    }

    private SshProbeResult ProbeNow(SshHost host)
    {
        try
        {
            return SshProbeCache.Probe(_home, host, MaxAge, _probeTimeout);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            var problem = new Diagnostic(DiagnosticCodes.HostProbeFailed, DiagnosticSeverity.Error, $"{host.Name} ({host.Address}) could not be probed: {e.Message}", SourceSpan.FileStart, null);
            return new SshProbeResult(host, null, problem);
        }
    }

    /// <summary>The hosts of config.yml as last read, answered from the kept probes.</summary>
    private sealed class KnownPool(PoolProbes probes, IReadOnlyList<SshHost> hosts) : ISshPool
    {
        public IReadOnlyList<SshHost> Hosts { get; } = hosts;

        public IReadOnlyList<SshProbeResult?> Probe(IReadOnlyList<SshHost> hosts) => [.. hosts.Select(probes.Latest)];
    }
}
