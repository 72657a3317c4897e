using Dstack.Runtime.Containers;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// A fact that needs <see cref="NetnsHosts"/> and this machine's Docker engine (the namespace hosts share its files,
/// so their login user reaches <c>/var/run/docker.sock</c>): skipped, with the reason, only where either is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NetnsDockerFactAttribute : FactAttribute
{
    public NetnsDockerFactAttribute()
    {
        var probe = DockerEngine.Probe(DockerEngine.DefaultSocket, null, TimeSpan.FromSeconds(3));
        Skip = NetnsHosts.UnavailableReason() ?? (probe.Available ? null : $"no Docker engine on this machine: {probe.Reason}");
    }
}
