using Dstack.Runtime.Ssh;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>What a VM does at boot (cloud-init <c>customData</c>) and, for runs in containers, the wait for its Docker engine.</summary>
public sealed partial class AzureBackend
{
    /// <summary>Whether the admin user can use the VM's Docker engine now; null: asked over SSH (tests of machines without Docker replace it).</summary>
    public Func<SshHost, CancellationToken, Task<bool>>? DockerAnswers { get; init; }

    /// <summary>
    /// The VM's cloud-init: the job folders' parent owned by the admin user and, for a run in containers, Docker
    /// (docker.io from Ubuntu when the image has none), started and usable by the admin user (the docker group).
    /// </summary>
    public static string CustomData(string user, bool containers) => CloudInit.UserData(user, containers, python: false);

    /// <summary>Waits, within <see cref="ReadyLimit"/>, until the VM's Docker engine is there for the admin user (cloud-init installs it at boot).</summary>
    private async Task WaitForDockerAsync(SshHost host, Action<string, string> step, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyLimit;
        step("waiting_for_docker", $"waiting for the Docker engine on {host.Name} (image: runs the job in a container)");
        while (!await (DockerAnswers ?? DockerAnswersOverSshAsync)(host, cancellationToken).ConfigureAwait(false))
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new ProvisioningException($"{host.Name} at {host.Host} answers SSH, but {host.User} could not use a Docker engine there ({SshHostProbe.DockerSocket}) within {ReadyLimit.TotalSeconds:0} seconds ({ReadyLimitVariable} changes it); it was deleted");
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One login (not shared: a master started before cloud-init added the user to the docker group would keep the old groups) that checks the socket.</summary>
    private async Task<bool> DockerAnswersOverSshAsync(SshHost host, CancellationToken cancellationToken)
    {
        var command = new SshCommand(home, host);
        command.EnsureFolder();
        List<string> arguments = [.. command.Options(shareConnection: false), "-o", "ControlPath=none", "--", host.Destination, $"[ -S {SshHostProbe.DockerSocket} ] && [ -w {SshHostProbe.DockerSocket} ]"];
        var run = await Task.Run(() => ProgramOutput.Run(SshCommand.Program, arguments, null, TimeSpan.FromSeconds(30)), cancellationToken).ConfigureAwait(false);
        return run.ExitCode == 0;
    }
}
