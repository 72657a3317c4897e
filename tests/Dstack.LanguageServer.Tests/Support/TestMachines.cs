using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Python;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>
/// Machines of known shape for the offers lens, with a known Python and Docker engine, so tests do not depend on the
/// machine that runs them; and a <c>$DSTACK_HOME</c> with nothing in it (no pool, no profiles, no runs).
/// </summary>
public static class TestMachines
{
    /// <summary>The Python version the test machines have.</summary>
    public const string PythonVersion = "3.12";

    /// <summary>Where the test machines' Python is.</summary>
    public const string PythonPath = "/opt/test/bin/python3.12";

    /// <summary>8 cores, 32GB of RAM, 200GB of free disk, no GPU.</summary>
    public static MachineResources NoGpu { get; } = new(8, new Memory(32), new Memory(200), []);

    /// <summary>The same with one 24GB RTX4090.</summary>
    public static MachineResources OneRtx4090 { get; } = NoGpu with { Gpus = [new MachineGpu("RTX4090", GpuVendor.Nvidia, new Memory(24), new ComputeCapability(8, 9))] };

    /// <summary>A Docker engine that answers.</summary>
    public static DockerProbe DockerRunning { get; } = new(true, "/usr/bin/docker", "the Docker engine answers");

    /// <summary>No Docker engine.</summary>
    public static DockerProbe NoDocker { get; } = new(false, null, "no Docker engine answers at /var/run/docker.sock (the socket does not exist)");

    /// <summary>A state folder that does not exist (and is never made: nothing here writes to it).</summary>
    public static DstackHome EmptyHome { get; } = new(Path.Combine(Path.GetTempPath(), $"dstack-ls-tests-empty-home-{Guid.NewGuid():N}"));

    /// <summary>Finds <see cref="PythonVersion"/> only.</summary>
    public static PythonLookup FindPython(string version, string? pathVariable) => version == PythonVersion
        ? new PythonLookup(PythonPath, "3.12.4", [(PythonPath, "3.12.4")])
        : new PythonLookup(null, string.Empty, [(PythonPath, "3.12.4")]);

    /// <summary>
    /// Facts of <paramref name="machine"/>, with <see cref="FindPython"/> and <paramref name="docker"/> (default
    /// <see cref="DockerRunning"/>), that replace this machine's (the editor keeps them as it keeps its own).
    /// </summary>
    public static LocalMachineFacts Facts(MachineResources machine, DockerProbe? docker = null) =>
        new(() => machine, FindPython, () => docker ?? DockerRunning);

    /// <summary>The offers of <paramref name="machine"/> and <paramref name="home"/>'s backends (default: <see cref="EmptyHome"/>: this machine alone).</summary>
    public static EditorOffers Offers(MachineResources machine, DstackHome? home = null, DockerProbe? docker = null, IReadOnlyDictionary<string, string>? environment = null) =>
        new(home ?? EmptyHome, environment ?? new Dictionary<string, string>(), replacements: [Facts(machine, docker)]);

    /// <summary>The server's handlers with offers from <paramref name="machine"/> (default: <see cref="NoGpu"/>).</summary>
    public static DispatchTable Table(MachineResources? machine = null, DstackHome? home = null) => DstackHandlers.Create(Offers(machine ?? NoGpu, home));
}
