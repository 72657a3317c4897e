using System.Globalization;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>For runs in containers (<c>image:</c>): the wait for the Docker engine that the instance's cloud-init installs.</summary>
public sealed partial class GcpBackend
{
    /// <summary>Whether the login user can use the instance's Docker engine now; null: asked over SSH (tests of instances that are not machines replace it).</summary>
    public Func<SshHost, CancellationToken, Task<bool>>? DockerAnswers { get; init; }

    /// <summary>Waits, within <see cref="ReadyLimit"/>, until the instance's Docker engine is there for the login user.</summary>
    private async Task WaitForDockerAsync(SshHost host, Action<string, string> step, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyLimit;
        step("waiting_for_docker", $"waiting for the Docker engine on {host.Name} (image: runs the job in a container)");
        while (!await (DockerAnswers ?? DockerAnswersOverSshAsync)(host, cancellationToken).ConfigureAwait(false))
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new ProvisioningException($"{host.Name} at {host.Host} answers SSH, but {host.User} could not use a Docker engine there ({SshHostProbe.DockerSocket}) within {ReadyLimit.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} minutes; it was deleted (a custom image needs Docker, or apt to install docker.io at boot)");
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
