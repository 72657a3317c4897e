using System.Globalization;
using System.Net.Sockets;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// Waiting for a launched instance: <c>running</c>, its address (public or private by <c>public_ips</c>) and SSH on
/// port 22, within <see cref="ReadyLimit"/> (<c>DSTACK_AWS_READY_SECONDS</c>), each step a progress event.
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
