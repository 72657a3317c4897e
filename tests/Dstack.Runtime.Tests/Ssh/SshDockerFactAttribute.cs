using Dstack.Runtime.Containers;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// A fact that needs this machine's Docker engine behind the loopback sshd (its login user, root, can use
/// <c>/var/run/docker.sock</c>), with the local busybox image (<c>/work/shared/recipes/container-engine/setup-engine.sh</c>
/// makes both): skipped, with the reason shown, only where the engine does not answer.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SshDockerFactAttribute : FactAttribute
{
    public const string Image = "localhost/busybox:1.35";

    public SshDockerFactAttribute()
    {
        var probe = DockerEngine.Probe(DockerEngine.DefaultSocket, null, TimeSpan.FromSeconds(3));
        Skip = probe.Available ? null : $"no Docker engine on this machine: {probe.Reason}";
    }
}
