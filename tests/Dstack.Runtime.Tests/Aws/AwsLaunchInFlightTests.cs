using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// A run stopped while its RunInstances call is in flight: EC2 carries the launch out whether or not its answer is
/// read, so the backend waits for the answer and terminates the instance it names, in-process against the fake EC2.
/// Also the ready limit's environment variable.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AwsLaunchInFlightTests : IAsyncLifetime
{
    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-awsl-" + Guid.NewGuid().ToString("N")[..8]));
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
    public async Task Provision_StoppedWhileRunInstancesIsInFlight_TerminatesTheInstanceItMade()
    {
        var backend = new AwsBackend(_home, new AwsSettings(), new AwsCompute(new AwsSettings(), region => _fake.NewClient(region)))
        {
            Poll = TimeSpan.FromMilliseconds(10),
            SshAnswers = (_, _) => Task.FromResult(true),
        };
        var type = "t3.medium";
        var offer = new Offer(AwsBackend.BackendName, "us-east-1", type, new Dstack.Runtime.Planning.MachineResources(2, new Memory(4), new Memory(100), []), false, 0.0416m)
        {
            Data = new Dictionary<string, string> { [AwsOffers.InstanceTypeKey] = type, [AwsOffers.MarketKey] = "on-demand", [AwsOffers.DiskKey] = "100" },
        };
        var hold = _fake.HoldNext("RunInstances");
        using var stop = new CancellationTokenSource();

        var provisioning = backend.ProvisionAsync(new ProvisionRequest(offer, "inflight", 0, "inflight-0-token"), null, stop.Token);
        await hold.Arrived.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        // A client that gives up at once does so within milliseconds; one that waits for the answer, forever.
        await Task.WhenAny(hold.Abandoned, Task.Delay(TimeSpan.FromSeconds(1)));
        hold.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provisioning);
        Assert.False(hold.Abandoned.IsCompleted, "the launch was abandoned: EC2 would make an instance nobody knows the id of");
        var launched = Assert.Single(_fake.Instances);
        Assert.Empty(_fake.LiveInstances);
        Assert.Equal(AwsCompute.ClientToken("inflight-0-token"), launched.ClientToken);
    }

    [Theory]
    [InlineData("30", 30)]
    [InlineData("2.5", 2.5)]
    [InlineData(null, 600)]
    [InlineData("", 600)]
    [InlineData("0", 600)]
    [InlineData("-5", 600)]
    [InlineData("ten", 600)]
    [InlineData("NaN", 600)]
    [InlineData("1e308", 600)]
    public void ReadyLimit_FromTheVariable_PositiveSecondsOrTenMinutes(string? text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AwsBackend.ReadyLimitFrom(text));
}
