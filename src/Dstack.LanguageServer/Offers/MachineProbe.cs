using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Planning;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// This machine's resources (cores, RAM, free disk, GPUs), detected once and then kept (<see cref="KeptAnswer{T}"/>):
/// detection may run <c>nvidia-smi</c>, too slow for every code lens request.
/// </summary>
public sealed class MachineProbe(Func<MachineResources> detect, TimeProvider time, TimeSpan maxAge) : KeptAnswer<MachineResources>(detect, time, maxAge)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The machine this process runs on, with the free disk of the dstack state folder <paramref name="homeRoot"/>; its
    /// detection starts at once, in the background, so that it is usually done before the first code lens is asked for.
    /// </summary>
    public static MachineProbe ThisMachine(string homeRoot)
    {
        var probe = new MachineProbe(() => LocalMachine.Detect(homeRoot), TimeProvider.System, DefaultMaxAge);
        probe.Start();
        return probe;
    }
}
