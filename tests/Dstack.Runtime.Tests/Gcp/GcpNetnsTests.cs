using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Gcp.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// GcpBackend against the fake whose instances are network-namespace hosts with a real sshd (the shared
/// <see cref="NetnsMachines"/>): the instance answers SSH with the project key given in its ssh-keys metadata, the
/// fake running out of hosts is a capacity error that moves to the next zone and then fails the offer, and a deleted
/// instance no longer answers.
/// </summary>
public sealed class GcpNetnsTests
{
    [NetnsFact]
    public async Task Provision_InstanceAnswersSshWithTheProjectKey_OutOfHostsIsNoCapacity_DeleteStopsIt()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeGcp.StartAsync(new NetnsMachines(hosts));
        using var http = new HttpClient();
        var home = new DstackHome(Directory.CreateTempSubdirectory("dstack-gcp-netns-").FullName);
        try
        {
            var settings = new GcpSettings { ProjectId = "fake-project-1", ServiceAccountFile = fake.WriteServiceAccountKey(Path.Combine(home.Root, "key.json")) };
            var compute = new GcpCompute(http, settings.ProjectId, GcpCredentials.Load(settings, _ => null).AccessTokenAsync, fake.ComputeUri);
            var backend = new GcpBackend(home, settings, compute) { LoginUser = NetnsMachines.User, Poll = TimeSpan.FromMilliseconds(50), ReadyLimit = TimeSpan.FromSeconds(30) };
            var offer = Offer();

            var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "netns", 0, Guid.NewGuid().ToString()), null, CancellationToken.None);
            var ssh = NetnsHosts.Run("ssh",
            [
                "-i", instance.Offer.Data[GcpBackend.IdentityKey], "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=5", $"{instance.Offer.Data[GcpBackend.UserKey]}@{instance.Address}", "echo on-gce",
            ], TimeSpan.FromSeconds(20));
            var full = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(offer, "netns", 1, Guid.NewGuid().ToString()), null, CancellationToken.None));
            await backend.TerminateAsync(instance, CancellationToken.None);

            Assert.Equal(hosts.Hosts[0].Address, instance.Address);
            Assert.True(ssh.ExitCode == 0, ssh.Output + hosts.SshdErrors(0));
            Assert.Contains("on-gce", ssh.Output, StringComparison.Ordinal);
            Assert.True(full.NoCapacity);
            Assert.Equal(offer.Data[GcpOffers.ZonesKey].Split(',').Length, fake.Calls.Count(c => c.Method == "POST" && c.Collection == "instances" && c.Body!["labels"]!["dstack_run"]!.ToString() == "netns") - 1);
            Assert.Empty(fake.LiveInstances);
            Assert.False(Accepts(instance.Address));
        }
        finally
        {
            Directory.Delete(home.Root, recursive: true);
        }
    }

    private static Offer Offer()
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", "type: task\ncommands: [x]\nresources:\n  cpu: 4\n");
        var requirements = new Requirements { Resources = document.RunConfiguration!.Resources, InstanceTypes = ["e2-standard-4"], Regions = ["us-central1"] };
        return GcpOffers.For(GcpCatalog.Shipped.Rows, requirements, null).First(c => c.Fits).Offer;
    }

    private static bool Accepts(string address)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
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
