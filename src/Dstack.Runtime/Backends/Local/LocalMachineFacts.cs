using Dstack.Runtime.Containers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Probes;
using Dstack.Runtime.Python;

namespace Dstack.Runtime.Backends.Local;

/// <summary>
/// What the local backend learns about this machine to make its offer: its resources, its Python interpreters, its
/// Docker engine, each looked up as the caller's <see cref="IProbes"/> do it (<see cref="Through"/>): <c>dstack run</c>
/// when asked, the editor from answers it keeps (detection may run <c>nvidia-smi</c> and wait for Docker, too slow for
/// every code lens).
/// </summary>
public sealed class LocalMachineFacts(Func<MachineResources> machine, Func<string, string?, PythonLookup> findPython, Func<DockerProbe> docker)
{
    /// <summary>How long a plan waits for a Docker engine to answer.</summary>
    public static readonly TimeSpan DockerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How old the machine, a Python lookup or the Docker probe may be before it is looked up again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Looks everything up on every call, with the free disk of the state folder <paramref name="homeRoot"/>.</summary>
    public static LocalMachineFacts Detect(string homeRoot) =>
        new(() => LocalMachine.Detect(homeRoot), PythonInterpreter.Find, () => DockerEngine.Probe(DockerTimeout));

    /// <summary>
    /// These facts learnt through <paramref name="probes"/>: each looked up once per <see cref="MaxAge"/> (a Python
    /// version once per <c>PATH</c>), the first time waited for (an offer needs it); the editor then answers with the
    /// last while it looks up again in the background. The machine and the Docker engine start being learnt at once,
    /// so they are usually known before the first code lens is asked for.
    /// </summary>
    public LocalMachineFacts Through(IProbes probes)
    {
        var machineProbe = new Probe<MachineResources>("local/machine", machine, MaxAge) { WaitForFirst = true };
        var dockerProbe = new Probe<DockerProbe>("local/docker", docker, MaxAge) { WaitForFirst = true };
        probes.Start(machineProbe);
        probes.Start(dockerProbe);
        return new LocalMachineFacts(
            () => probes.Latest(machineProbe)!,
            (version, pathVariable) => probes.Latest(new Probe<PythonLookup>(PythonKey(version, pathVariable), () => findPython(version, pathVariable), MaxAge) { WaitForFirst = true })!,
            () => probes.Latest(dockerProbe)!);
    }

    public MachineResources Machine() => machine();

    public PythonLookup FindPython(string version, string? pathVariable) => findPython(version, pathVariable);

    public DockerProbe Docker() => docker();

    /// <summary>A Python lookup's key: the version and the <c>PATH</c> (no <c>PATH</c> is not an empty one).</summary>
    private static string PythonKey(string version, string? pathVariable) =>
        pathVariable is null ? $"local/python\n{version}" : $"local/python\n{version}\nPATH={pathVariable}";
}
