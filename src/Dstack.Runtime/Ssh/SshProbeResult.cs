using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Ssh;

/// <summary>What probing one SSH host found: its resources, or the problem that kept them from being read.</summary>
/// <param name="Host">The host probed.</param>
/// <param name="Resources">Its cores, memory, free disk and GPUs; null when it could not be probed.</param>
/// <param name="Problem">Why it could not be probed (unreachable, login refused, host key changed); null on success.</param>
/// <param name="Output">The probe script's output as the host printed it (what the SSH backend's <c>SshProbeCache</c> keeps).</param>
public sealed record SshProbeResult(SshHost Host, MachineResources? Resources, Diagnostic? Problem, string? Output = null)
{
    public bool Succeeded => Resources is not null && Problem is null;

    /// <summary>Whether the login user can use a Docker engine on the host (for jobs with an <c>image</c>).</summary>
    public bool HasDockerEngine => Succeeded && Output is { } output && SshHostProbe.HasDockerEngine(output);
}
