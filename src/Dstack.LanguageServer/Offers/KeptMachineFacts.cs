using Dstack.Runtime.Backends.Local;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// What the local backend asks about this machine (<see cref="LocalMachineFacts"/>), answered from kept answers
/// (<see cref="KeptAnswer{T}"/>): its resources from <see cref="MachineProbe"/>, each Python version looked up once
/// per <c>PATH</c>, and the Docker engine probed once (a probe may wait <see cref="LocalMachineFacts.DockerTimeout"/>),
/// each found again in the background when older than <see cref="MaxAge"/>.
/// </summary>
public sealed class KeptMachineFacts
{
    private readonly Lock _gate = new();
    private readonly Func<string, string?, PythonLookup> _findPython;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Version, string? Path), KeptAnswer<PythonLookup>> _pythons = [];
    private readonly KeptAnswer<DockerProbe> _docker;

    /// <param name="machine">This machine's resources, kept.</param>
    /// <param name="findPython">Looks a Python version up on a <c>PATH</c> (<see cref="PythonInterpreter.Find"/>).</param>
    /// <param name="docker">Asks the Docker engine whether it answers (<see cref="DockerEngine.Probe(TimeSpan)"/>).</param>
    /// <param name="time">The clock for <paramref name="maxAge"/>.</param>
    /// <param name="maxAge">How old a Python lookup or Docker probe may be before a request starts a new one.</param>
    public KeptMachineFacts(MachineProbe machine, Func<string, string?, PythonLookup> findPython, Func<DockerProbe> docker, TimeProvider time, TimeSpan maxAge)
    {
        Machine = machine;
        _findPython = findPython;
        _time = time;
        MaxAge = maxAge;
        _docker = new KeptAnswer<DockerProbe>(docker, time, maxAge);
        Facts = new LocalMachineFacts(machine.Current, FindPython, _docker.Current);
    }

    /// <summary>The facts the local backend reads.</summary>
    public LocalMachineFacts Facts { get; }

    public MachineProbe Machine { get; }

    public TimeSpan MaxAge { get; }

    /// <summary>Every background search in progress (the machine, Pythons, Docker), or a completed task: tests wait on it.</summary>
    public Task Refreshing
    {
        get
        {
            lock (_gate)
            {
                return Task.WhenAll([Machine.Refreshing, _docker.Refreshing, .. _pythons.Values.Select(p => p.Refreshing)]);
            }
        }
    }

    /// <summary>
    /// This machine, with the free disk of the state folder <paramref name="homeRoot"/>: the machine's detection and the
    /// Docker probe start at once, in the background, so they are usually done before the first code lens is asked for.
    /// </summary>
    public static KeptMachineFacts ThisMachine(string homeRoot)
    {
        var facts = new KeptMachineFacts(MachineProbe.ThisMachine(homeRoot), PythonInterpreter.Find, () => DockerEngine.Probe(LocalMachineFacts.DockerTimeout), TimeProvider.System, MachineProbe.DefaultMaxAge);
        facts._docker.Start();
        return facts;
    }

    private PythonLookup FindPython(string version, string? pathVariable)
    {
        KeptAnswer<PythonLookup> kept;
        lock (_gate)
        {
            if (!_pythons.TryGetValue((version, pathVariable), out kept!))
            {
                kept = new KeptAnswer<PythonLookup>(() => _findPython(version, pathVariable), _time, MaxAge);
                _pythons[(version, pathVariable)] = kept;
            }
        }

        return kept.Current();
    }
}
