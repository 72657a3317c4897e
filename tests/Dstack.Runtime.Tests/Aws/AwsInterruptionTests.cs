using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// The AWS backend's side of interruptions and host keys, against the fake EC2 in-process: it says why an instance
/// the cloud took back is gone (and nothing for one that runs), and each instance has its own known_hosts, deleted
/// when the instance is terminated.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AwsInterruptionTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-awsi-" + Guid.NewGuid().ToString("N")[..8]));
    private FakeEc2 _fake = null!;
    private AwsBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeEc2.StartAsync(new LoopbackMachines());
        _fake.PendingDescribes = 0;
        _backend = new AwsBackend(_home, new AwsSettings(), new AwsCompute(new AwsSettings(), region => _fake.NewClient(region)))
        {
            Poll = TimeSpan.FromMilliseconds(10),
            SshAnswers = (_, _) => Task.FromResult(true),
        };
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        if (Directory.Exists(_home.Root))
        {
            Directory.Delete(_home.Root, recursive: true);
        }
    }

    [Fact]
    public async Task InterruptionOf_ARunningInstance_IsNull_ASpotInstanceTakenBack_SaysWhatEc2Says()
    {
        var instance = await ProvisionAsync("spotty", spot: true);

        var running = await _backend.InterruptionOfAsync(instance, None);
        _fake.Interrupt(instance.InstanceId);
        var taken = await _backend.InterruptionOfAsync(instance, None);

        Assert.Null(running);
        Assert.Equal($"EC2 says terminated ({FakeEc2.SpotTermination}: Spot instance termination)", taken);
        Assert.False(await _backend.ExistsAsync(instance, None));
    }

    [Fact]
    public async Task InterruptionOf_AnInstanceEc2DoesNotKnow_OrNotYetNamed_SaysSoOrNothing()
    {
        var offer = Offer(spot: true);

        var unknown = await _backend.InterruptionOfAsync(new Instance(offer, "i-0123456789abcdef0", "10.0.0.9"), None);
        var unnamed = await _backend.InterruptionOfAsync(new Instance(offer, "run-0-token", string.Empty), None);

        Assert.Equal("EC2 no longer knows it", unknown);
        Assert.Null(unnamed);
    }

    [Fact]
    public async Task HostOf_EachInstance_HasItsOwnKnownHosts_DeletedWhenItIsTerminated()
    {
        var first = await ProvisionAsync("keys", spot: false);
        var second = await ProvisionAsync("keys", spot: false);
        var firstHost = Assert.IsType<RemoteHost>(_backend.HostOf(first, Context())).Host;
        var secondHost = Assert.IsType<RemoteHost>(_backend.HostOf(second, Context())).Host;

        // ssh makes the folder when it first runs, and records the key there.
        new SshCommand(_home, firstHost).EnsureFolder();
        await File.WriteAllTextAsync(firstHost.KnownHostsFile!, "127.0.0.1 ssh-ed25519 AAAA\n");
        var options = new SshCommand(_home, firstHost).Options(shareConnection: false);
        await _backend.TerminateAsync(first, None);

        Assert.Equal(_home.InstanceKnownHostsFile(first.InstanceId), firstHost.KnownHostsFile);
        Assert.Equal(_home.InstanceKnownHostsFile(second.InstanceId), secondHost.KnownHostsFile);
        Assert.NotEqual(firstHost.KnownHostsFile, secondHost.KnownHostsFile);
        Assert.Contains($"UserKnownHostsFile={firstHost.KnownHostsFile}", options);
        Assert.Contains("StrictHostKeyChecking=accept-new", options);
        Assert.False(Directory.Exists(_home.InstanceSshFolder(first.InstanceId)));
        Assert.True(Directory.Exists(_home.SshFolder));
    }

    [Fact]
    public async Task HostOf_ASpotInstance_ItsHostIsGoneOnceEc2TookItBack_SoItIsNotWaitedForTheWholeReconnectWindow()
    {
        var instance = await ProvisionAsync("gone", spot: true);
        var host = Assert.IsType<RemoteHost>(_backend.HostOf(instance, Context()));

        var before = await host.Gone!(None);
        _fake.Interrupt(instance.InstanceId);
        var after = await host.Gone!(None);

        Assert.False(before);
        Assert.True(after);
    }

    private async Task<Instance> ProvisionAsync(string run, bool spot) =>
        await _backend.ProvisionAsync(new ProvisionRequest(Offer(spot), run, 0, $"{run}-0-{Guid.NewGuid():N}"), null, None);

    private HostContext Context() => HostContext.Outside(_home, new RunRecord(1, "keys", RunStatus.Running, "/c", "/r", "{}", DateTimeOffset.UtcNow, null, null, null, null, StopRequest.None, 1), new RunSpec { RunName = "keys", Type = "task", ConfigurationPath = "/c", RepoRoot = "/r", Script = "true" });

    private static Offer Offer(bool spot) =>
        new(AwsBackend.BackendName, "us-east-1", "t3.medium", new Dstack.Runtime.Planning.MachineResources(2, new Memory(4), new Memory(100), []), spot, 0.0416m)
        {
            Data = new Dictionary<string, string> { [AwsOffers.InstanceTypeKey] = "t3.medium", [AwsOffers.MarketKey] = spot ? "spot" : "on-demand", [AwsOffers.DiskKey] = "100" },
        };
}
