using Amazon.EC2;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// The EC2 calls of the AWS backend (<see cref="AwsCompute"/>) through the real SDK against the fake endpoint: what is
/// created in the account, launched, described and terminated, and how EC2's refusals read.
/// </summary>
public sealed class AwsComputeTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-aws-" + Guid.NewGuid().ToString("N")[..8]));
    private FakeEc2 _fake = null!;
    private AwsCompute _compute = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeEc2.StartAsync();
        _compute = new AwsCompute(new AwsSettings(), region => _fake.NewClient(region));
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
    public async Task Prepare_KeyPairAndSecurityGroup_AreMadeOnce_WithOnlySshIn()
    {
        var key = ProjectKey.Of(_home);

        await _compute.EnsureKeyPairAsync("us-east-1", key, None);
        await _compute.EnsureKeyPairAsync("us-east-1", key, None);
        var vpc = await _compute.VpcAsync("us-east-1", None);
        var group = await _compute.SecurityGroupAsync("us-east-1", vpc, "proj", None);
        var again = await _compute.SecurityGroupAsync("us-east-1", vpc, "proj", None);

        Assert.Single(_fake.CallsTo("ImportKeyPair"));
        Assert.Equal(key.PublicKeyBase64, _fake.CallsTo("ImportKeyPair")[0]["PublicKeyMaterial"]);
        Assert.Equal(group, again);
        Assert.Single(_fake.CallsTo("CreateSecurityGroup"));
        var ingress = Assert.Single(_fake.CallsTo("AuthorizeSecurityGroupIngress"));
        Assert.Equal(("tcp", "22", "22"), (ingress["IpPermissions.1.IpProtocol"], ingress["IpPermissions.1.FromPort"], ingress["IpPermissions.1.ToPort"]));
    }

    [Fact]
    public async Task Launch_IsRecordedByItsToken_RunsAndIsTerminated_AndARepeatedLaunchMakesNothingTwice()
    {
        var launch = await LaunchOfAsync("g5.xlarge", spot: true, maxPrice: 0.9m);

        var id = await _compute.RunAsync(launch, None);
        var repeated = await _compute.RunAsync(launch, None);
        var first = await _compute.DescribeAsync("us-east-1", id, None);
        var later = await _compute.DescribeAsync("us-east-1", id, None);
        var found = await _compute.FindByTokenAsync("us-east-1", launch.ClientToken, None);
        await _compute.TerminateAsync("us-east-1", id, None);
        await _compute.TerminateAsync("us-east-1", id, None);

        Assert.Equal(id, repeated);
        Assert.Equal(id, found);
        Assert.Single(_fake.Instances);
        Assert.Equal(InstanceStateName.Pending, first!.State.Name);
        Assert.Equal(InstanceStateName.Running, later!.State.Name);
        Assert.False(string.IsNullOrEmpty(later.PublicIpAddress));
        var instance = Assert.Single(_fake.Instances);
        Assert.True(instance.Spot);
        Assert.Equal("run-1", instance.Tags["dstack:run"]);
        Assert.Contains("python3", instance.UserDataText, StringComparison.Ordinal);
        Assert.Equal("0.9", _fake.CallsTo("RunInstances")[0]["InstanceMarketOptions.SpotOptions.MaxPrice"]);
        Assert.Empty(_fake.LiveInstances);
        Assert.True(launch.ClientToken.Length <= 64);
    }

    [Fact]
    public async Task Launch_NoCapacity_IsANoCapacityProvisioningError_NamingTheOffer()
    {
        var launch = await LaunchOfAsync("g5.xlarge", spot: false, maxPrice: null);
        _fake.FailNext("RunInstances", "InsufficientInstanceCapacity", message: "We currently do not have sufficient g5.xlarge capacity in the Availability Zone you requested.");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _compute.RunAsync(launch, None));

        Assert.True(error.NoCapacity);
        Assert.StartsWith("g5.xlarge (on-demand) in us-east-1: InsufficientInstanceCapacity: We currently do not have", error.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.LiveInstances);
    }

    [Fact]
    public async Task Refusal_UnauthorizedOperation_NamesThePermissionAndTheList()
    {
        var launch = await LaunchOfAsync("t3.medium", spot: false, maxPrice: null);
        _fake.FailNext("RunInstances", "UnauthorizedOperation", message: "You are not authorized to perform this operation.");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _compute.RunAsync(launch, None));

        Assert.False(error.NoCapacity);
        Assert.Contains("may not call ec2:RunInstances", error.Message, StringComparison.Ordinal);
        Assert.Contains("ec2:TerminateInstances", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCredentials_AnotherKey_IsAuthFailureInWords_AndTheRightOneIsFine()
    {
        var wrong = new AwsCompute(new AwsSettings(), region => _fake.NewClient(region, accessKey: "AKIAWRONGKEY00000000"));

        Assert.Null(await _compute.CheckCredentialsAsync("us-east-1", None));
        Assert.StartsWith("AuthFailure: AWS refused the credentials", (await wrong.CheckCredentialsAsync("us-east-1", None))?.Details, StringComparison.Ordinal);
    }

    private async Task<AwsCompute.Launch> LaunchOfAsync(string type, bool spot, decimal? maxPrice)
    {
        var key = ProjectKey.Of(_home);
        await _compute.EnsureKeyPairAsync("us-east-1", key, None);
        var vpc = await _compute.VpcAsync("us-east-1", None);
        var subnet = await _compute.SubnetAsync("us-east-1", vpc, None);
        var group = await _compute.SecurityGroupAsync("us-east-1", vpc, "proj", None);
        var image = await _compute.ImageAsync("us-east-1", new AwsOsImage("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", FakeImage.Canonical, "ubuntu"), None);
        return new AwsCompute.Launch("us-east-1", type, spot, maxPrice, image, subnet, group, key.Name, 100, AwsCompute.ClientToken($"run-1-0-{Guid.NewGuid():N}"), new Dictionary<string, string> { ["dstack:run"] = "run-1", ["Name"] = "run-1-0" }, "#cloud-config\npackages: [python3]\n");
    }
}
