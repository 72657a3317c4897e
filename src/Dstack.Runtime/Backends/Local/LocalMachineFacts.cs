using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Backends.Local;

/// <summary>
/// What the local backend learns about this machine to make its offer: its resources, its Python interpreters, its
/// Docker engine. <c>dstack run</c> looks each up when asked; the editor passes answers it keeps (detection may run
/// <c>nvidia-smi</c> and wait for Docker, too slow for every code lens).
/// </summary>
public sealed class LocalMachineFacts(Func<MachineResources> machine, Func<string, string?, PythonLookup> findPython, Func<DockerProbe> docker)
{
    /// <summary>How long a plan waits for a Docker engine to answer.</summary>
    public static readonly TimeSpan DockerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Looks everything up on every call, with the free disk of the state folder <paramref name="homeRoot"/>.</summary>
    public static LocalMachineFacts Detect(string homeRoot) =>
        new(() => LocalMachine.Detect(homeRoot), PythonInterpreter.Find, () => DockerEngine.Probe(DockerTimeout));

    public MachineResources Machine() => machine();

    public PythonLookup FindPython(string version, string? pathVariable) => findPython(version, pathVariable);

    public DockerProbe Docker() => docker();
}
