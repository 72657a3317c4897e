using System.Globalization;
using System.Net.Sockets;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// Waiting for a launched instance: <c>running</c>, its address (public or private by <c>public_ips</c>) and SSH on
/// port 22, within <see cref="ReadyLimit"/> (<c>DSTACK_AWS_READY_SECONDS</c>), each step a progress event; for a run in
/// containers, then the Docker engine that the user data installs, usable by the login user.
/// </summary>
public sealed partial class AwsBackend
{
    private async Task<string> WaitUntilReadyAsync(string region, string instanceId, Action<string, string> step, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyLimit;
        string? address = null;
        step("starting", $"waiting for {instanceId} to run");
        while (true)
        {
            if (address is null)
            {
                var found = await _compute.DescribeAsync(region, instanceId, cancellationToken).ConfigureAwait(false);
                if (found is null || found.State.Name == Amazon.EC2.InstanceStateName.Terminated || found.State.Name == Amazon.EC2.InstanceStateName.ShuttingDown)
                {
                    throw new ProvisioningException($"{instanceId} in {region} ended before it ran ({found?.State.Name.Value ?? "gone"}; a spot instance may have been taken back); trying another offer", noCapacity: true);
                }

                if (found.State.Name == Amazon.EC2.InstanceStateName.Running)
                {
                    address = settings.PublicIps ? found.PublicIpAddress : found.PrivateIpAddress;
                    if (address is not null)
                    {
                        step("waiting_for_ssh", $"waiting for SSH at {address}");
                    }
                }
            }

            if (address is not null && await SshAnswers(address, cancellationToken).ConfigureAwait(false))
            {
                return address;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new ProvisioningException(address is null
                    ? $"{instanceId} in {region} did not run within {Describe(ReadyLimit)} ({ReadyLimitVariable} changes it); it was terminated"
                    : $"{instanceId} in {region} runs at {address} but did not answer SSH (port 22) within {Describe(ReadyLimit)} ({ReadyLimitVariable} changes it); it was terminated (check the security group and public_ips)");
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the login user can use the machine's Docker engine now; null: asked over SSH (tests of machines without Docker replace it).</summary>
    public Func<SshHost, CancellationToken, Task<bool>>? DockerAnswers { get; init; }

    /// <summary>Waits, within <see cref="ReadyLimit"/>, until the instance's Docker engine is there for the login user (cloud-init installs it at boot).</summary>
    private async Task WaitForDockerAsync(SshHost host, Action<string, string> step, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyLimit;
        step("waiting_for_docker", $"waiting for the Docker engine on {host.Name} (image: runs the job in a container)");
        while (!await (DockerAnswers ?? DockerAnswersOverSshAsync)(host, cancellationToken).ConfigureAwait(false))
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new ProvisioningException($"{host.Name} at {host.Host} answers SSH, but {SshDockerForward.UserOf(host)} could not use a Docker engine there ({SshHostProbe.DockerSocket}) within {Describe(ReadyLimit)} ({ReadyLimitVariable} changes it); it was terminated (a custom image needs Docker, or apt to install docker.io at boot)");
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

    /// <summary>The limit that <paramref name="seconds"/> (the variable's text) sets when it is a positive number, else 10 minutes.</summary>
    public static TimeSpan ReadyLimitFrom(string? seconds) =>
        double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value) && value < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(value)
            : TimeSpan.FromMinutes(10);

    private static string Describe(TimeSpan limit) => limit.TotalSeconds < 60 || limit.Seconds != 0
        ? string.Create(CultureInfo.InvariantCulture, $"{limit.TotalSeconds:0.#} seconds")
        : string.Create(CultureInfo.InvariantCulture, $"{limit.TotalMinutes:0} minutes");

    private static async Task<bool> AnswersOnPort22Async(string address, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(address, 22, attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
