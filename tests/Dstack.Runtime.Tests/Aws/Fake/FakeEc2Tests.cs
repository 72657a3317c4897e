using System.Net;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>The fake EC2 endpoint, driven by the real AWS SDK client (AWSSDK.EC2) over HTTP on 127.0.0.1.</summary>
public sealed class FakeEc2Tests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Regions_AndZones_RoundTripTyped()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient("us-west-2");

        var regions = await ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), None);
        var zones = await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest(), None);

        Assert.Equal(["us-east-1", "us-west-2", "eu-west-1"], regions.Regions.Select(r => r.RegionName));
        Assert.Equal("ec2.us-east-1.amazonaws.com", regions.Regions[0].Endpoint);
        Assert.Equal(["us-west-2a", "us-west-2b", "us-west-2c"], zones.AvailabilityZones.Select(z => z.ZoneName));
        Assert.All(zones.AvailabilityZones, z => Assert.Equal(AvailabilityZoneState.Available, z.State));
        Assert.Equal("usw2-az1", zones.AvailabilityZones[0].ZoneId);
        Assert.False(string.IsNullOrEmpty(zones.ResponseMetadata.RequestId));
    }

    [Fact]
    public async Task DescribeInstanceTypes_GpuTypes_CarryGpuVCpuMemoryAndStorage()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();

        var answer = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = ["g5.xlarge", "p4d.24xlarge", "t3.medium"] }, None);
        var types = answer.InstanceTypes.ToDictionary(t => t.InstanceType.Value);

        var g5 = types["g5.xlarge"];
        Assert.Equal(4, g5.VCpuInfo.DefaultVCpus);
        Assert.Equal(16384, g5.MemoryInfo.SizeInMiB);
        var gpu = Assert.Single(g5.GpuInfo.Gpus);
        Assert.Equal(("A10G", "NVIDIA", 1, 24576), (gpu.Name, gpu.Manufacturer, gpu.Count, gpu.MemoryInfo.SizeInMiB));
        Assert.Equal(24576, g5.GpuInfo.TotalGpuMemoryInMiB);
        Assert.Equal(250, g5.InstanceStorageInfo.TotalSizeInGB);
        Assert.Contains("spot", g5.SupportedUsageClasses);
        var p4d = types["p4d.24xlarge"];
        Assert.Equal((8, "A100", 40960, 327680), (p4d.GpuInfo.Gpus[0].Count, p4d.GpuInfo.Gpus[0].Name, p4d.GpuInfo.Gpus[0].MemoryInfo.SizeInMiB, p4d.GpuInfo.TotalGpuMemoryInMiB));
        Assert.Equal(96, p4d.VCpuInfo.DefaultVCpus);
        Assert.Null(types["t3.medium"].GpuInfo);
        Assert.Null(types["t3.medium"].InstanceStorageInfo);
        Assert.Equal("g5.xlarge", fake.CallsTo("DescribeInstanceTypes").Single()["InstanceType.1"]);

        var all = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest(), None);
        Assert.Equal(["g4dn.xlarge", "g5.xlarge", "p4d.24xlarge"], all.InstanceTypes.Where(t => t.GpuInfo is not null).Select(t => t.InstanceType.Value).Order());
        Assert.Equal(16384, all.InstanceTypes.Single(t => t.InstanceType == "g4dn.xlarge").GpuInfo.Gpus[0].MemoryInfo.SizeInMiB);

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = ["x9.huge"] }, None));
        Assert.Equal(("InvalidInstanceType", HttpStatusCode.BadRequest), (error.ErrorCode, error.StatusCode));
    }

    [Fact]
    public async Task Offerings_SpotPrices_Images_VpcsAndSubnets_AnswerWhatTheFiltersAsk()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();

        var offerings = await ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
        {
            LocationType = LocationType.AvailabilityZone,
            Filters = [new Filter("instance-type", ["p4d.24xlarge", "g5.xlarge"])],
        }, None);
        var prices = await ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest { InstanceTypes = ["g4dn.xlarge"], ProductDescriptions = ["Linux/UNIX"] }, None);
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"], Filters = [new Filter("name", ["Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) *"])] }, None);
        var ubuntu = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = [FakeImage.Canonical], Filters = [new Filter("name", ["ubuntu/images/*24.04*"])] }, None);
        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] }, None);
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpcs.Vpcs[0].VpcId]), new Filter("availability-zone", ["us-east-1b"])] }, None);

        Assert.Equal(
            ["g5.xlarge us-east-1a", "g5.xlarge us-east-1b", "g5.xlarge us-east-1c", "p4d.24xlarge us-east-1a", "p4d.24xlarge us-east-1b"],
            offerings.InstanceTypeOfferings.Select(o => $"{o.InstanceType.Value} {o.Location}").Order());
        Assert.All(offerings.InstanceTypeOfferings, o => Assert.Equal(LocationType.AvailabilityZone, o.LocationType));
        var request = fake.CallsTo("DescribeInstanceTypeOfferings").Single();
        Assert.Equal(("instance-type", "p4d.24xlarge", "g5.xlarge"), (request["Filter.1.Name"], request["Filter.1.Value.1"], request["Filter.1.Value.2"]));
        Assert.Equal(3, prices.SpotPriceHistory.Count);
        Assert.All(prices.SpotPriceHistory, p => Assert.Equal(("0.220000", "Linux/UNIX"), (p.Price, p.ProductDescription.Value)));
        var image = Assert.Single(images.Images);
        Assert.Equal((FakeImage.DeepLearning, "amazon", ImageState.Available), (image.OwnerId, image.ImageOwnerAlias, image.State));
        Assert.Equal("amazon", fake.CallsTo("DescribeImages")[0]["Owner.1"]);
        Assert.StartsWith("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04", Assert.Single(ubuntu.Images).Name, StringComparison.Ordinal);
        var vpc = Assert.Single(vpcs.Vpcs);
        Assert.True(vpc.IsDefault);
        var subnet = Assert.Single(subnets.Subnets);
        Assert.Equal(("us-east-1b", true, true, vpc.VpcId), (subnet.AvailabilityZone, subnet.DefaultForAz, subnet.MapPublicIpOnLaunch, subnet.VpcId));
    }

    [Fact]
    public async Task ImportKeyPair_KeepsTheDecodedLine_RefusesADuplicateAndARawLine()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();
        const string line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh5fakefakefakefakefakefakefakefakefakefake dstack";

        var imported = await ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = "dstack-key", PublicKeyMaterial = Base64(line) }, None);
        var duplicate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = "dstack-key", PublicKeyMaterial = Base64(line) }, None));
        var raw = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = "raw", PublicKeyMaterial = line }, None));
        var described = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = ["dstack-key"], IncludePublicKey = true }, None);
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = ["nope"] }, None));

        Assert.Equal("dstack-key", imported.KeyName);
        Assert.StartsWith("key-", imported.KeyPairId, StringComparison.Ordinal);
        Assert.Equal(line, Assert.Single(fake.KeyPairs).PublicKey);
        Assert.Equal(("InvalidKeyPair.Duplicate", HttpStatusCode.BadRequest), (duplicate.ErrorCode, duplicate.StatusCode));
        Assert.Equal("InvalidKey.Format", raw.ErrorCode);
        var key = Assert.Single(described.KeyPairs);
        Assert.Equal((imported.KeyPairId, imported.KeyFingerprint, line, KeyType.Ed25519), (key.KeyPairId, key.KeyFingerprint, key.PublicKey, key.KeyType));
        Assert.Equal("InvalidKeyPair.NotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task SecurityAndPlacementGroups_AreMadeOnce_AndKeepTheirRules()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();

        var created = await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "dstack", Description = "dstack runs" }, None);
        var duplicate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "dstack", Description = "again" }, None));
        await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = created.GroupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        }, None);
        var again = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = created.GroupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        }, None));
        var described = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-name", ["dstack"])] }, None);
        var placement = await ec2.CreatePlacementGroupAsync(new CreatePlacementGroupRequest { GroupName = "dstack-fleet", Strategy = PlacementStrategy.Cluster }, None);
        var placementAgain = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreatePlacementGroupAsync(new CreatePlacementGroupRequest { GroupName = "dstack-fleet", Strategy = PlacementStrategy.Cluster }, None));

        Assert.StartsWith("sg-", created.GroupId, StringComparison.Ordinal);
        Assert.Equal(("InvalidGroup.Duplicate", HttpStatusCode.BadRequest), (duplicate.ErrorCode, duplicate.StatusCode));
        Assert.Equal("InvalidPermission.Duplicate", again.ErrorCode);
        var group = Assert.Single(described.SecurityGroups);
        var rule = Assert.Single(group.IpPermissions);
        Assert.Equal(("tcp", 22, 22, "0.0.0.0/0"), (rule.IpProtocol, rule.FromPort, rule.ToPort, Assert.Single(rule.Ipv4Ranges).CidrIp));
        Assert.Equal(("dstack-fleet", PlacementStrategy.Cluster, PlacementGroupState.Available), (placement.PlacementGroup.GroupName, placement.PlacementGroup.Strategy, placement.PlacementGroup.State));
        Assert.Equal("InvalidPlacementGroup.Duplicate", placementAgain.ErrorCode);
    }

    [Fact]
    public async Task RunInstances_IsPendingThenRunning_AndTerminateEndsIt()
    {
        var machines = new LoopbackMachines();
        await using var fake = await FakeEc2.StartAsync(machines);
        using var ec2 = fake.NewClient();
        await ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = "k", PublicKeyMaterial = Base64("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== me") }, None);

        var run = await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = FakeImage.Defaults[1].Id,
            InstanceType = "g5.xlarge",
            MinCount = 1,
            MaxCount = 1,
            KeyName = "k",
            UserData = Base64("#!/bin/sh\necho hi\n"),
            InstanceMarketOptions = new InstanceMarketOptionsRequest { MarketType = MarketType.Spot, SpotOptions = new SpotMarketOptions { SpotInstanceType = SpotInstanceType.OneTime, InstanceInterruptionBehavior = InstanceInterruptionBehavior.Terminate } },
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("dstack_project", "main"), new Tag("Name", "run-1")] }],
        }, None);
        var id = Assert.Single(run.Reservation.Instances).InstanceId;
        var first = await Describe(ec2, new DescribeInstancesRequest { InstanceIds = [id] });
        var second = await Describe(ec2, new DescribeInstancesRequest { Filters = [new Filter("tag:dstack_project", ["main"])] });
        var terminated = await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] }, None);
        var shuttingDown = await Describe(ec2, new DescribeInstancesRequest { InstanceIds = [id] });
        var gone = await Describe(ec2, new DescribeInstancesRequest { InstanceIds = [id] });
        var again = await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] }, None);

        Assert.Equal(InstanceStateName.Pending, run.Reservation.Instances[0].State.Name);
        Assert.Equal((InstanceStateName.Pending, 0), (first.State.Name, first.State.Code));
        Assert.Equal((InstanceStateName.Running, 16), (second.State.Name, second.State.Code));
        Assert.Equal((LoopbackMachines.Address, LoopbackMachines.Address), (second.PublicIpAddress, second.PrivateIpAddress));
        Assert.Equal(("g5.xlarge", "k", InstanceLifecycleType.Spot), (second.InstanceType.Value, second.KeyName, second.InstanceLifecycle));
        Assert.Equal("main", second.Tags.Single(t => t.Key == "dstack_project").Value);
        Assert.StartsWith("us-east-1", second.Placement.AvailabilityZone, StringComparison.Ordinal);
        var change = Assert.Single(terminated.TerminatingInstances);
        Assert.Equal((InstanceStateName.ShuttingDown, InstanceStateName.Running), (change.CurrentState.Name, change.PreviousState.Name));
        Assert.Equal(InstanceStateName.ShuttingDown, shuttingDown.State.Name);
        Assert.Equal((InstanceStateName.Terminated, 48), (gone.State.Name, gone.State.Code));
        Assert.Null(gone.PublicIpAddress);
        Assert.Equal((InstanceStateName.Terminated, InstanceStateName.Terminated), (again.TerminatingInstances[0].CurrentState.Name, again.TerminatingInstances[0].PreviousState.Name));

        var call = fake.CallsTo("RunInstances").Single();
        Assert.Equal(("instance", "dstack_project", "main"), (call["TagSpecification.1.ResourceType"], call["TagSpecification.1.Tag.1.Key"], call["TagSpecification.1.Tag.1.Value"]));
        Assert.Equal(("spot", "one-time"), (call["InstanceMarketOptions.MarketType"], call["InstanceMarketOptions.SpotOptions.SpotInstanceType"]));
        var instance = Assert.Single(fake.Instances);
        Assert.Equal(("#!/bin/sh\necho hi\n", true, "run-1"), (instance.UserDataText, instance.Spot, instance.Tags["Name"]));
        Assert.Empty(fake.LiveInstances);
        Assert.Equal(id, Assert.Single(machines.Released).InstanceId);
    }

    [Fact]
    public async Task RunInstances_SameClientToken_AnswersTheSameInstanceAndMakesNothing()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();
        var request = new RunInstancesRequest { ImageId = FakeImage.Defaults[0].Id, InstanceType = "t3.medium", MinCount = 1, MaxCount = 1, ClientToken = "dstack-run-1-0" };

        var first = await ec2.RunInstancesAsync(request, None);
        var second = await ec2.RunInstancesAsync(request, None);
        request.InstanceType = "m5.xlarge";
        var mismatch = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RunInstancesAsync(request, None));

        Assert.Equal(first.Reservation.Instances[0].InstanceId, second.Reservation.Instances[0].InstanceId);
        Assert.Equal(first.Reservation.ReservationId, second.Reservation.ReservationId);
        Assert.Equal("dstack-run-1-0", second.Reservation.Instances[0].ClientToken);
        Assert.Single(fake.Instances);
        Assert.Equal("IdempotentParameterMismatch", mismatch.ErrorCode);
    }

    [Fact]
    public async Task FailNext_FailsOnlyTheMatchingCall_WithTheCodeAndStatus_AndRecordsIt()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();
        fake.FailNext("RunInstances", "InsufficientInstanceCapacity", status: 400, when: r => r["InstanceType"] == "g5.xlarge");

        var t3 = await ec2.RunInstancesAsync(Launch("t3.medium"), None);
        var failed = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RunInstancesAsync(Launch("g5.xlarge"), None));
        var retried = await ec2.RunInstancesAsync(Launch("g5.xlarge"), None);

        Assert.Equal(("InsufficientInstanceCapacity", HttpStatusCode.BadRequest), (failed.ErrorCode, failed.StatusCode));
        Assert.Equal(["t3.medium", "g5.xlarge"], fake.Instances.Select(i => i.InstanceType));
        Assert.Equal([200, 400, 200], fake.CallsTo("RunInstances").Select(c => c.Status));
        Assert.Equal("InsufficientInstanceCapacity", fake.CallsTo("RunInstances")[1].ErrorCode);
        Assert.NotNull(t3.Reservation);
        Assert.NotNull(retried.Reservation);
    }

    [Fact]
    public async Task Throttle_AnswersRequestLimitExceededThenSucceeds_SoTheSdkRetries()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var once = fake.NewClient();
        using var retrying = fake.NewClient(maxErrorRetry: 2);
        fake.Throttle("DescribeInstances", times: 1);

        var throttled = await Assert.ThrowsAsync<AmazonEC2Exception>(() => once.DescribeInstancesAsync(new DescribeInstancesRequest(), None));
        fake.Throttle("DescribeInstances", times: 2);
        await retrying.DescribeInstancesAsync(new DescribeInstancesRequest(), None);
        fake.FailNext("DescribeRegions", "Unavailable", status: 503);
        var unavailable = await Assert.ThrowsAsync<AmazonEC2Exception>(() => once.DescribeRegionsAsync(new DescribeRegionsRequest(), None));

        Assert.Equal(("RequestLimitExceeded", HttpStatusCode.ServiceUnavailable), (throttled.ErrorCode, throttled.StatusCode));
        Assert.Equal([503, 503, 503, 200], fake.CallsTo("DescribeInstances").Select(c => c.Status));
        Assert.Equal(("Unavailable", HttpStatusCode.ServiceUnavailable), (unavailable.ErrorCode, unavailable.StatusCode));
    }

    [Fact]
    public async Task Requests_WithAnotherKeyOrUnsigned_AreAuthFailure401()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var stranger = fake.NewClient(accessKey: "AKIASOMEONEELSE00001");
        using var http = new HttpClient();

        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => stranger.DescribeRegionsAsync(new DescribeRegionsRequest(), None));
        using var unsigned = await http.PostAsync(fake.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "DescribeRegions", ["Version"] = FakeEc2.ApiVersion }), None);
        var body = await unsigned.Content.ReadAsStringAsync(None);

        Assert.Equal(("AuthFailure", HttpStatusCode.Unauthorized), (refused.ErrorCode, refused.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Matches("^<\\?xml version=\"1.0\" encoding=\"utf-8\"\\?><Response><Errors><Error><Code>AuthFailure</Code><Message>[^<]+</Message></Error></Errors><RequestID>[0-9a-f-]{36}</RequestID></Response>$", body);
        Assert.All(fake.Calls, c => Assert.Equal(401, c.Status));
    }

    [Fact]
    public async Task UnknownAction_IsInvalidAction400()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesAsync(new DescribeVolumesRequest(), None));

        Assert.Equal(("InvalidAction", HttpStatusCode.BadRequest), (error.ErrorCode, error.StatusCode));
    }

    [Fact]
    public async Task InterruptNext_TheInstanceVanishesByItself_AndItsMachineIsReleased()
    {
        var machines = new LoopbackMachines();
        await using var fake = await FakeEc2.StartAsync(machines);
        using var ec2 = fake.NewClient();
        fake.InterruptNext(afterRunningDescribes: 1);

        var id = (await ec2.RunInstancesAsync(Launch("g4dn.xlarge"), None)).Reservation.Instances[0].InstanceId;
        var states = new List<InstanceStateName>();
        for (var i = 0; i < 3; i++)
        {
            states.Add((await Describe(ec2, new DescribeInstancesRequest { InstanceIds = [id] })).State.Name);
        }

        var last = await Describe(ec2, new DescribeInstancesRequest { InstanceIds = [id] });

        Assert.Equal([InstanceStateName.Pending, InstanceStateName.Running, InstanceStateName.Terminated], states);
        Assert.Equal(FakeEc2.SpotTermination, last.StateReason.Code);
        Assert.Empty(fake.LiveInstances);
        Assert.Single(machines.Released);
        Assert.Empty(fake.CallsTo("TerminateInstances"));
    }

    [Fact]
    public async Task Interrupt_AndUnreachableNext_ChangeOnlyTheirInstance()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();
        fake.UnreachableNext(r => r["InstanceType"] == "m5.xlarge");
        fake.PendingDescribes = 0;

        var near = (await ec2.RunInstancesAsync(Launch("t3.medium"), None)).Reservation.Instances[0].InstanceId;
        var far = (await ec2.RunInstancesAsync(Launch("m5.xlarge"), None)).Reservation.Instances[0].InstanceId;
        fake.Interrupt(near);
        var described = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest(), None)).Reservations.SelectMany(r => r.Instances).ToDictionary(i => i.InstanceId);

        Assert.Equal(InstanceStateName.Terminated, described[near].State.Name);
        Assert.Equal((InstanceStateName.Running, LoopbackMachines.UnreachableAddress), (described[far].State.Name, described[far].PublicIpAddress));
        Assert.Equal(far, Assert.Single(fake.LiveInstances).Id);
    }

    [Fact]
    public async Task DescribeInstances_UnknownOrMalformedId_IsTheDocumentedError()
    {
        await using var fake = await FakeEc2.StartAsync();
        using var ec2 = fake.NewClient();

        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-0123456789abcdef0"] }, None));
        var malformed = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["nope"] }, None));
        var empty = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("instance-state-name", ["running"])] }, None);

        Assert.Equal("InvalidInstanceID.NotFound", missing.ErrorCode);
        Assert.Equal("InvalidInstanceID.Malformed", malformed.ErrorCode);
        Assert.True(empty.Reservations is null || empty.Reservations.Count == 0);
    }

    private static RunInstancesRequest Launch(string type) =>
        new() { ImageId = FakeImage.Defaults[0].Id, InstanceType = type, MinCount = 1, MaxCount = 1 };

    private static async Task<Instance> Describe(AmazonEC2Client ec2, DescribeInstancesRequest request) =>
        Assert.Single(Assert.Single((await ec2.DescribeInstancesAsync(request, None)).Reservations).Instances);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
