using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Hosts;

/// <summary>What a host needs to know of the run it serves.</summary>
/// <param name="Home">The state folder (working copies, known hosts, connections).</param>
/// <param name="Run">The run.</param>
/// <param name="Spec">Its spec (image, working dir, script, ports).</param>
/// <param name="ControllerEnvironment">The environment of the process serving the run (the controller, or the CLI).</param>
/// <param name="Event">Writes a line into job <c>rank</c>'s log.</param>
public sealed record HostContext(DstackHome Home, RunRecord Run, RunSpec Spec, IReadOnlyDictionary<string, string> ControllerEnvironment, Action<int, string> Event)
{
    /// <summary>A context for work outside the controller (stopping jobs, forwarding ports), whose lines go nowhere.</summary>
    public static HostContext Outside(DstackHome home, RunRecord run, RunSpec spec, IReadOnlyDictionary<string, string>? environment = null) =>
        new(home, run, spec, environment ?? new Dictionary<string, string>(), (_, _) => { });
}
