using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// The SSH pool of <c>$DSTACK_HOME/config.yml</c>: one candidate per host (backend <c>ssh</c>, named by its pool name,
/// free), with its probed resources and what it lacks, as <c>dstack run</c>'s planner sees it: only what the
/// configuration writes is required, the backends filter admits the hosts when it is absent or names <c>ssh</c> or
/// <c>remote</c> (else they are left out), and a host busy with a run, unreachable, or still being probed is no offer.
/// </summary>
/// <remarks>
/// Never waits for <c>ssh</c>: a probe may take <see cref="SshHostProbe.DefaultTimeout"/> for a host that is down, so
/// hosts are probed in the background (through <see cref="SshProbeCache"/>, shared with the CLI), and a request answers
/// at once with the latest result; a host with none yet is a candidate whose one unmet requirement is
/// <see cref="ProbingText"/>. A result older than <see cref="MaxAge"/> is still answered while a new probe runs for the
/// next request. config.yml is read again when its time or size changes.
/// </remarks>
public sealed class SshOfferSource : IOfferSource
{
    /// <summary>The unmet requirement of a host whose first probe has not answered yet.</summary>
    public const string ProbingText = "probing…";

    private static readonly IReadOnlyDictionary<string, string> NoRuns = new Dictionary<string, string>();

    private readonly Lock _gate = new();
    private readonly DstackHome _home;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _probeTimeout;
    private readonly Func<IReadOnlyDictionary<string, string>> _hostsInUse;
    private readonly Dictionary<SshHost, Latest<SshProbeResult>> _probes = [];
    private readonly Latest<IReadOnlyDictionary<string, string>> _busy = new() { Value = NoRuns };
    private Pool? _pool;

    /// <param name="home">Where config.yml, the probe cache and the known hosts are.</param>
    /// <param name="time">The clock for <paramref name="maxAge"/>.</param>
    /// <param name="maxAge">How old a probe may be before a request starts a new one (default <see cref="SshProbeCache.DefaultMaxAge"/>).</param>
    /// <param name="probeTimeout">How long one probe may take (default <see cref="SshHostProbe.DefaultTimeout"/>).</param>
    /// <param name="hostsInUse">The hosts active runs hold (pool name → run name), read in the background; none when null.</param>
    public SshOfferSource(DstackHome home, TimeProvider? time = null, TimeSpan? maxAge = null, TimeSpan? probeTimeout = null, Func<IReadOnlyDictionary<string, string>>? hostsInUse = null)
    {
        _home = home;
        _time = time ?? TimeProvider.System;
        _probeTimeout = probeTimeout;
        _hostsInUse = hostsInUse ?? (() => NoRuns);
        MaxAge = maxAge ?? SshProbeCache.DefaultMaxAge;
    }

    /// <summary>Raised (on a background thread) when a probe or the busy hosts changed what a request would answer.</summary>
    public event Action? Changed;

    public TimeSpan MaxAge { get; }

    /// <summary>The background work in progress (probes, the busy hosts), or a completed task: tests wait on it rather than on time.</summary>
    public Task Refreshing
    {
        get
        {
            lock (_gate)
            {
                return Task.WhenAll([.. _probes.Values.Select(p => p.Running), _busy.Running]);
            }
        }
    }

    /// <summary>
    /// The pool of the server's <c>$DSTACK_HOME</c> (<see cref="DstackHome.FromEnvironment"/>), whose hosts start being
    /// probed at once, in the background, so that their offers are usually known before the first code lens is asked for.
    /// </summary>
    public static SshOfferSource FromEnvironment()
    {
        var home = DstackHome.FromEnvironment();
        return new SshOfferSource(home, hostsInUse: () => ActiveRunHosts(home)).Start();
    }

    /// <summary>Reads config.yml and starts probing every host, in the background; returns at once.</summary>
    public SshOfferSource Start()
    {
        _ = Task.Run(() =>
        {
            lock (_gate)
            {
                foreach (var host in CurrentPool().Hosts)
                {
                    Probe(host);
                }
            }
        });
        return this;
    }

    public IReadOnlyList<OfferCandidate> Candidates(RunConfiguration configuration)
    {
        if (!AdmitsSsh(configuration))
        {
            return [];
        }

        var filters = FilteredOut(configuration).ToList();
        var candidates = new List<OfferCandidate>();
        lock (_gate)
        {
            var pool = CurrentPool();
            if (pool.Problems.Count > 0)
            {
                candidates.Add(new OfferCandidate(SshOffer.Backend, "config.yml", 0m, null, [.. pool.Problems.Select(p => p.ToString())]));
            }

            var busy = pool.Hosts.Count > 0 ? Refreshed(_busy, _hostsInUse, b => string.Join('\n', b.OrderBy(r => r.Key, StringComparer.Ordinal))) ?? NoRuns : NoRuns;
            foreach (var host in pool.Hosts)
            {
                var unmet = new List<string>();
                if (busy.TryGetValue(host.Name, out var run))
                {
                    unmet.Add($"busy with the run {run}");
                }

                var probe = Probe(host);
                if (probe is null)
                {
                    unmet.Add(ProbingText);
                }
                else if (!probe.Succeeded)
                {
                    unmet.Add($"{probe.Problem!.Code} {probe.Problem.Message}");
                }
                else
                {
                    unmet.AddRange(ResourceMatcher.Unmet(configuration.Resources, probe.Resources!, enforceDefaults: false));
                }

                if (configuration.InstanceTypes is { Count: > 0 } types && !types.Contains(host.Name, StringComparer.OrdinalIgnoreCase))
                {
                    unmet.Add($"instance_types: [{string.Join(", ", types)}] leaves out {host.Name} (an SSH host's instance type is its pool name)");
                }

                unmet.AddRange(filters);
                candidates.Add(new OfferCandidate(SshOffer.Backend, host.Name, 0m, probe?.Resources, unmet));
            }
        }

        return candidates;
    }

    /// <summary>As the planner: no backends filter, or one naming <c>ssh</c> or <c>remote</c>.</summary>
    public static bool AdmitsSsh(ProfileParameters parameters) =>
        parameters.Backends is not { } backends || backends.Contains(BackendType.Ssh) || backends.Contains(BackendType.Remote);

    /// <summary>
    /// The hosts that unfinished runs hold, read from <c>state.db</c> without changing it (a run whose runner died still
    /// counts until a <c>dstack</c> command notices); none when there is no store or it cannot be read.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ActiveRunHosts(DstackHome home)
    {
        if (!File.Exists(home.StateDatabase))
        {
            return NoRuns;
        }

        try
        {
            return RunMonitor.HostsInUse(StateStore.Open(home), reconcile: false);
        }
        catch (StateException)
        {
            return NoRuns;
        }
    }

    /// <summary>What the SSH hosts never offer, whatever they have: the planner's reasons to leave the whole pool out.</summary>
    private static IEnumerable<string> FilteredOut(RunConfiguration configuration)
    {
        if (configuration.Image is not null)
        {
            yield return "image: SSH hosts run the commands on the host, not in a container, for now";
        }

        if (configuration is TaskConfiguration { Build.Count: > 0 })
        {
            yield return "build: SSH hosts do not keep a prepared environment between runs yet";
        }

        if (configuration.Volumes.Count > 0)
        {
            yield return "volumes: SSH hosts do not mount volumes";
        }

        if (configuration.Regions is { Count: > 0 } regions && !regions.Contains(SshOffer.Region, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"regions: [{string.Join(", ", regions)}] leaves out the SSH hosts (their region is ssh)";
        }

        if (configuration.SpotPolicy == SpotPolicy.Spot)
        {
            yield return "spot_policy: spot asks for spot instances, and SSH hosts are on-demand";
        }
    }

    /// <summary>The pool as config.yml says now; read again only when the file's time or size changed. Under the gate.</summary>
    private Pool CurrentPool()
    {
        var file = new FileInfo(_home.ConfigFile);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
        if (_pool is { } known && known.Stamp == stamp)
        {
            return known;
        }

        IReadOnlyList<Diagnostic> problems = [];
        var hosts = file.Exists ? SshHostsConfig.Read(_home.ConfigFile, out problems).Hosts : [];
        _pool = new Pool(stamp, hosts, problems);
        foreach (var gone in _probes.Keys.Where(h => !hosts.Contains(h)).ToList())
        {
            _probes.Remove(gone);
        }

        return _pool;
    }

    /// <summary>
    /// The host's latest probe, or null before the first; starts a background probe when there is none or it is older
    /// than <see cref="MaxAge"/>. A probe another dstack process kept in the cache is taken at once. Under the gate.
    /// </summary>
    private SshProbeResult? Probe(SshHost host)
    {
        if (!_probes.TryGetValue(host, out var latest))
        {
            latest = new Latest<SshProbeResult>();
            _probes[host] = latest;
            if (SshProbeCache.Cached(_home, host, MaxAge) is { } kept)
            {
                latest.Value = kept;
                latest.At = _time.GetUtcNow();
            }
        }

        return Refreshed(latest, () => ProbeNow(host), p => $"{p.Resources}|{p.Problem?.Code} {p.Problem?.Message}");
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

    /// <summary>
    /// The value known now; starts <paramref name="read"/> in the background when it was never read or is stale. A read
    /// that throws keeps the last value and is tried again a whole <see cref="MaxAge"/> later. <paramref name="key"/>
    /// tells whether a new value answers differently (then <see cref="Changed"/> is raised). Under the gate.
    /// </summary>
    private T? Refreshed<T>(Latest<T> latest, Func<T> read, Func<T, string> key)
        where T : class
    {
        if ((latest.At == default || _time.GetUtcNow() - latest.At >= MaxAge) && latest.Running.IsCompleted)
        {
            latest.Running = Task.Run(() =>
            {
                T? fresh = null;
                try
                {
                    fresh = read();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or StateException)
                {
                    // Keep the last value; the next try waits a whole MaxAge.
                }

                bool changed;
                lock (_gate)
                {
                    changed = fresh is not null && (latest.Value is null || key(latest.Value) != key(fresh));
                    latest.Value = fresh ?? latest.Value;
                    latest.At = _time.GetUtcNow();
                }

                if (changed)
                {
                    Changed?.Invoke();
                }
            });
        }

        return latest.Value;
    }

    /// <summary>config.yml as last read: its time and size, its hosts, and what is wrong with it.</summary>
    private sealed record Pool((DateTime Time, long Length) Stamp, IReadOnlyList<SshHost> Hosts, IReadOnlyList<Diagnostic> Problems);

    /// <summary>The latest value of something read in the background, when it was last read (default: never), and the read in progress.</summary>
    private sealed class Latest<T>
        where T : class
    {
        public T? Value { get; set; }

        public DateTimeOffset At { get; set; }

        public Task Running { get; set; } = Task.CompletedTask;
    }
}
