using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// The AWS backend's provisioning steps as progress events, and the instances of a run of several nodes in one cluster
/// placement group (made once, deleted once they are terminated), against the fake EC2 endpoint in-process.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AwsNodesAndProgressTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-awsn-" + Guid.NewGuid().ToString("N")[..8]));
    private FakeEc2 _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeEc2.StartAsync(new LoopbackMachines());

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        if (Directory.Exists(_home.Root))
        {
            Directory.Delete(_home.Root, recursive: true);
        }
    }

    [Fact]
    public async Task Provision_ReportsEachStep_InOrder()
    {
        var events = new List<RunProgress>();
        var backend = Backend();

        var instance = await backend.ProvisionAsync(new ProvisionRequest(Offer("t3.medium", spot: true), "steps", 1, "steps-1-token"), new Collect(events), None);

        var steps = events.OfType<ProvisioningStepProgress>().ToList();
        Assert.Equal(events.Count, steps.Count);
        Assert.Equal(["key_pair", "security_group", "image", "launching", "starting", "waiting_for_ssh", "ready"], steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Equal((1, "aws"), (s.Rank, s.Backend)));
        Assert.Equal("launching t3.medium (spot) in us-east-1", steps[3].Detail);
        Assert.Equal($"waiting for SSH at {LoopbackMachines.Address}", steps[5].Detail);
        Assert.Equal($"{instance.InstanceId} is ready at {LoopbackMachines.Address}", steps[6].Detail);

        // As the state store and `dstack ps --json` keep them.
        var json = RunProgressJson.ToJson(steps[3]);
        Assert.Equal(("provisioning_step", "launching"), ((string?)json["kind"], (string?)json["step"]));
        Assert.Equal(steps[3], RunProgressJson.FromJson(json.ToJsonString()));
        await backend.TerminateAsync(instance, None);
    }

    [Theory]
    [InlineData("ImportKeyPair", "ec2:ImportKeyPair")]
    [InlineData("DescribeVpcs", "ec2:DescribeVpcs")]
    [InlineData("DescribeImages", "ec2:DescribeImages")]
    public async Task Provision_ARefusalBeforeTheLaunch_IsAProvisioningFailure_NamingThePermission_AndLaunchesNothing(string action, string permission)
    {
        if (action == "ImportKeyPair")
        {
            // The key pair is imported only when EC2 does not know it.
            _fake.FailNext("DescribeKeyPairs", "InvalidKeyPair.NotFound", message: "The key pair does not exist");
        }

        _fake.FailNext(action, "UnauthorizedOperation", message: "You are not authorized to perform this operation.");

        var refused = await Assert.ThrowsAsync<ProvisioningException>(() => Backend().ProvisionAsync(new ProvisionRequest(Offer("t3.medium"), "refused", 0, "refused-0-token"), null, None));

        Assert.False(refused.NoCapacity);
        Assert.StartsWith("t3.medium in us-east-1: UnauthorizedOperation: the credentials may not call ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(permission, refused.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.CallsTo("RunInstances"));
    }

    [Fact]
    public async Task Group_TwoNodes_LaunchInOneClusterPlacementGroup_DeletedOnceTheyAreTerminated()
    {
        var backend = Backend();
        var offer = Offer("m5.xlarge");
        var name = AwsBackend.PlacementGroupName(Dstack.Runtime.Backends.CloudInit.ProjectName(_home), "pair");

        var first = await backend.ProvisionAsync(new ProvisionRequest(offer, "pair", 0, "pair-0-token") { Group = "pair" }, null, None);
        var second = await backend.ProvisionAsync(new ProvisionRequest(offer, "pair", 1, "pair-1-token") { Group = "pair" }, null, None);

        var group = Assert.Single(_fake.PlacementGroups);
        Assert.Equal((name, "cluster", "us-east-1"), (group.Name, group.Strategy, group.Region));
        Assert.Equal("pair", group.Tags["dstack:run"]);
        Assert.All(_fake.Instances, i => Assert.Equal(name, i.PlacementGroup));
        Assert.Single(_fake.Instances.Select(i => i.AvailabilityZone).Distinct());

        // EC2 refuses to delete a group that holds instances: the release waits for them (here: until cancelled).
        using (var shortly = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backend.ReleaseGroupAsync("pair", [first.Offer, second.Offer], shortly.Token));
        }

        Assert.Single(_fake.PlacementGroups);
        await backend.TerminateAsync(first, None);
        await backend.TerminateAsync(second, None);
        await backend.ReleaseGroupAsync("pair", [first.Offer, second.Offer], None);

        Assert.Empty(_fake.PlacementGroups);
        Assert.Empty(_fake.LiveInstances);
        await backend.ReleaseGroupAsync("pair", [first.Offer], None); // a group already gone is no error
    }

    [Fact]
    public async Task Group_BurstableType_LaunchesWithoutAPlacementGroup()
    {
        var backend = Backend();

        var instance = await backend.ProvisionAsync(new ProvisionRequest(Offer("t3.medium"), "small", 0, "small-0-token") { Group = "small" }, null, None);
        await backend.TerminateAsync(instance, None);
        await backend.ReleaseGroupAsync("small", [instance.Offer], None);

        Assert.Null(Assert.Single(_fake.Instances).PlacementGroup);
        Assert.Empty(_fake.CallsTo("CreatePlacementGroup"));
        Assert.Empty(_fake.CallsTo("DeletePlacementGroup"));
    }

    [Fact]
    public async Task NoGroup_OneNode_LaunchesWithoutAPlacementGroup()
    {
        var instance = await Backend().ProvisionAsync(new ProvisionRequest(Offer("m5.xlarge"), "single", 0, "single-0-token"), null, None);

        Assert.Null(Assert.Single(_fake.Instances).PlacementGroup);
        Assert.Empty(_fake.CallsTo("CreatePlacementGroup"));
        await Backend().TerminateAsync(instance, None);
    }

    [Theory]
    [InlineData("p4d.24xlarge", true)]
    [InlineData("g5.xlarge", true)]
    [InlineData("c5n.18xlarge", true)]
    [InlineData("trn1.32xlarge", true)]
    [InlineData("t2.micro", false)]
    [InlineData("t3.medium", false)]
    [InlineData("t3a.large", false)]
    [InlineData("t4g.small", false)]
    [InlineData("mac2.metal", false)]
    [InlineData("m7i-flex.large", false)]
    [InlineData("", false)]
    public void SupportsClusterPlacement_AllButBurstableMacAndFlexTypes(string type, bool supported) =>
        Assert.Equal(supported, AwsCompute.SupportsClusterPlacement(type));

    private AwsBackend Backend() => new(_home, new AwsSettings(), new AwsCompute(new AwsSettings(), region => _fake.NewClient(region)) { PlacementGroupPoll = TimeSpan.FromMilliseconds(10) })
    {
        Poll = TimeSpan.FromMilliseconds(10),
        ReadyLimit = TimeSpan.FromSeconds(5),
        SshAnswers = (_, _) => Task.FromResult(true),
    };

    private static Offer Offer(string type, bool spot = false) =>
        new(AwsBackend.BackendName, "us-east-1", type, new Dstack.Runtime.Planning.MachineResources(2, new Memory(4), new Memory(100), []), spot, 0.05m)
        {
            Data = new Dictionary<string, string> { [AwsOffers.InstanceTypeKey] = type, [AwsOffers.MarketKey] = spot ? "spot" : "on-demand", [AwsOffers.DiskKey] = "100" },
        };

    /// <summary>Events as they are reported, on the reporting thread (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class Collect(List<RunProgress> events) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (events)
            {
                events.Add(value);
            }
        }
    }
}
