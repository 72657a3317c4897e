using System.Collections;
using Dstack.LanguageServer.Commands;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Configuration.Profiles;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Probes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// The offers lens's view of the runtime's one offer pipeline: the backends of <see cref="BackendRegistry"/> asked
/// through its <see cref="OfferCatalog"/> for the requirements <c>dstack run</c> would have (the configuration merged
/// with the profile it would select), so the editor and <c>dstack run</c> cannot disagree. What differs is only how
/// slow facts are learnt, because a code lens is asked for on every edit and must never wait for <c>ssh</c>: every
/// backend learns them through <see cref="BackgroundProbes"/> (the latest answer at once, a new one probed in the
/// background, <see cref="Changed"/> when it changes what a lens shows), and the active runs' placements are read
/// there too. config.yml is read again when its time or size changes.
/// </summary>
public sealed class EditorOffers
{
    /// <summary>How old the runs' placements may be before a request reads them again.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly DstackHome _home;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly BackgroundProbes _probes;
    private readonly IReadOnlyList<object> _replacements;
    private readonly Probe<IReadOnlyList<HeldPlacement>> _inUse;
    private (ConfiguredBackends Backends, (DateTime Time, long Length) Stamp)? _configured;

    /// <param name="home">Where config.yml, the user's profiles.yml, the probe cache and the runs are.</param>
    /// <param name="environment">The server's environment: its <c>PATH</c> finds a Python, its <c>DSTACK_PROFILE</c> names the profile.</param>
    /// <param name="time">The clock for the answers' age.</param>
    /// <param name="maxAge">How old the runs' placements may be before a request reads them again (default <see cref="DefaultMaxAge"/>).</param>
    /// <param name="inUse">The placements active runs hold, read in the background; default <see cref="ActiveRuns"/> of <paramref name="home"/>.</param>
    /// <param name="replacements">What backends take instead of learning it (<see cref="BackendContext.Replacements"/>: a test's fake facts of this machine).</param>
    public EditorOffers(DstackHome home, IReadOnlyDictionary<string, string> environment, TimeProvider? time = null, TimeSpan? maxAge = null, Func<IReadOnlyList<HeldPlacement>>? inUse = null, IReadOnlyList<object>? replacements = null)
    {
        _home = home;
        _environment = environment;
        MaxAge = maxAge ?? DefaultMaxAge;
        _probes = new BackgroundProbes(time ?? TimeProvider.System, RaiseChanged);
        _replacements = replacements ?? [];
        _inUse = new Probe<IReadOnlyList<HeldPlacement>>("runs/in-use", inUse ?? (() => ActiveRuns(home)), MaxAge) { Assumed = [], Shown = PlacementsKey };
    }

    /// <summary>Raised (on a background thread) when a probe or the runs' placements changed what a request would answer.</summary>
    public event Action? Changed;

    public TimeSpan MaxAge { get; }

    /// <summary>The state folder whose config.yml, profiles and runs the offers come from.</summary>
    public DstackHome Home => _home;

    /// <summary>The background work in progress (this machine's facts, probes, the runs' placements), or a completed task: tests wait on it rather than on time.</summary>
    public Task Refreshing => _probes.Refreshing;

    /// <summary>
    /// The offers of a running server: <c>$DSTACK_HOME</c> of its environment, with what every backend learns (this
    /// machine, the SSH hosts of config.yml) probed in the background from the start (<see cref="Start"/>).
    /// </summary>
    public static EditorOffers ThisMachine()
    {
        var home = DstackHome.FromEnvironment();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = variable.Value as string ?? string.Empty;
        }

        return new EditorOffers(home, environment).Start();
    }

    /// <summary>
    /// The placements that unfinished runs hold, read from <c>state.db</c> without changing it (a run whose controller died
    /// still counts until a <c>dstack</c> command notices); none when there is no store or it cannot be read.
    /// </summary>
    public static IReadOnlyList<HeldPlacement> ActiveRuns(DstackHome home)
    {
        if (!File.Exists(home.StateDatabase))
        {
            return [];
        }

        try
        {
            return RunMonitor.InUse(StateStore.Open(home), reconcile: false);
        }
        catch (StateException)
        {
            return [];
        }
    }

    /// <summary>Reads config.yml and asks every backend once, in the background (what they learn starts being probed), so their offers are usually known before the first lens; returns at once.</summary>
    public EditorOffers Start()
    {
        _ = Task.Run(() =>
        {
            // Asking every backend once for the least a run can ask starts what they learn in the background (the pool's
            // probes, this machine's detection), without knowing which backend does what.
            Configured().Catalog.Find(new Requirements());
        });
        return this;
    }

    /// <summary>
    /// What the backends offer for <paramref name="configuration"/>, merged with the profile <c>dstack run</c> would
    /// select for the file at <paramref name="filePath"/> (the default one, or <c>DSTACK_PROFILE</c>'s, of the run
    /// folder's <c>.dstack/profiles.yml</c>, then of <c>$DSTACK_HOME/profiles.yml</c>); no profile without a file path.
    /// Answers at once from what is known.
    /// </summary>
    public OfferSummary Summarize(RunConfiguration configuration, string? filePath)
    {
        var profile = ProfileOf(filePath);
        var profileErrors = profile.Diagnostics.Where(d => d.IsError).ToList();
        if (profileErrors.Count > 0)
        {
            // dstack run stops at these before it looks for offers.
            return new OfferSummary([], [.. profileErrors.Select(d => d.Path is { } path ? $"{Path.GetFileName(path)}: {d.Message}" : d.Message)]);
        }

        // The default image as dstack run takes it (a bad value is dstack run's error to show; the lens goes without).
        var defaultImage = configuration.Image is null ? DefaultImage.Read(_home, _environment, [])?.Image : null;
        var requirements = Requirements.Of(configuration, ProfileResolver.Merge(configuration, profile.Profile), configuration.Resources, image: defaultImage);
        var configured = Configured();
        var search = configured.Catalog.Find(requirements, new OfferContext { Environment = _environment, InUse = () => _probes.Latest(_inUse)! });
        return OfferSummary.Of(search, configured.Problems);
    }

    private ProfileSelection ProfileOf(string? filePath)
    {
        if (filePath is null)
        {
            return new ProfileSelection(new Profile(), null, []);
        }

        var files = ProfileResolver.ProfileFiles(RunFolder.Of(filePath, _home.Root), _home.Root);
        return ProfileResolver.Select(files, _environment.GetValueOrDefault("DSTACK_PROFILE"));
    }

    /// <summary>The configured backends as config.yml says now; read again only when the file's time or size changed.</summary>
    private ConfiguredBackends Configured()
    {
        var file = new FileInfo(_home.ConfigFile);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
        lock (_gate)
        {
            if (_configured is { } known && known.Stamp == stamp)
            {
                return known.Backends;
            }

            var backends = BackendRegistry.Read(_home, new BackendContext(_probes, _replacements));
            _configured = (backends, stamp);
            return backends;
        }
    }

    private void RaiseChanged() => Changed?.Invoke();

    private static string PlacementsKey(IReadOnlyList<HeldPlacement> placements) =>
        string.Join('\n', placements.Select(p => $"{p.RunName} {p.Offer.Backend} {p.Offer.Instance} {string.Join(',', p.Offer.Gpus)}").Order(StringComparer.Ordinal));
}
