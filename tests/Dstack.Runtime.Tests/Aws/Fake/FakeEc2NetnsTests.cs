using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>The fake EC2 endpoint with <see cref="NetnsMachines"/>: an instance is a namespace host with a real sshd.</summary>
public sealed class FakeEc2NetnsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [NetnsFact]
    public async Task RunInstances_GivesANamespaceHost_WhoseSshdAcceptsTheImportedKey_UntilTerminated()
    {
        using var hosts = new NetnsHosts(2);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        using var ec2 = fake.NewClient();
        var key = NetnsHosts.NewKey(hosts.Folder, "instance_key");
        var stranger = NetnsHosts.NewKey(hosts.Folder, "stranger_key");
        await ec2.ImportKeyPairAsync(new ImportKeyPairRequest
        {
            KeyName = "dstack",
            PublicKeyMaterial = Convert.ToBase64String(Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(key + ".pub", None))),
        }, None);
        fake.PendingDescribes = 0;
        fake.UnreachableNext(r => r["InstanceType"] == "t3.medium");

        var id = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = FakeImage.Defaults[1].Id, InstanceType = "g5.xlarge", MinCount = 1, MaxCount = 1, KeyName = "dstack" }, None)).Reservation.Instances[0].InstanceId;
        var silentId = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = FakeImage.Defaults[0].Id, InstanceType = "t3.medium", MinCount = 1, MaxCount = 1, KeyName = "dstack" }, None)).Reservation.Instances[0].InstanceId;
        var full = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = FakeImage.Defaults[0].Id, InstanceType = "t3.medium", MinCount = 1, MaxCount = 1 }, None));
        var instances = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest(), None)).Reservations.SelectMany(r => r.Instances).ToDictionary(i => i.InstanceId);
        var address = instances[id].PublicIpAddress;

        var withKey = Ssh(key, address);
        var withStranger = Ssh(stranger, address);
        var silentAnswers = Accepts(instances[silentId].PublicIpAddress, TimeSpan.FromSeconds(1));
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id, silentId] }, None);
        var afterTerminate = Accepts(address, TimeSpan.FromSeconds(1));

        Assert.Equal(InstanceStateName.Running, instances[id].State.Name);
        Assert.Contains(address, hosts.Hosts.Select(h => h.Address));
        Assert.True(withKey.ExitCode == 0, withKey.Output + hosts.SshdErrors(0));
        Assert.NotEqual(0, withStranger.ExitCode);
        Assert.False(silentAnswers);
        Assert.Equal("InsufficientInstanceCapacity", full.ErrorCode);
        Assert.False(afterTerminate);
        Assert.Empty(fake.LiveInstances);
    }

    private static (int ExitCode, string Output) Ssh(string key, string address) => NetnsHosts.Run("ssh",
    [
        "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=5", $"{NetnsMachines.User}@{address}", "true",
    ], TimeSpan.FromSeconds(20));

    private static bool Accepts(string address, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            client.ConnectAsync(IPAddress.Parse(address), NetnsHosts.SshPort, cancel.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
