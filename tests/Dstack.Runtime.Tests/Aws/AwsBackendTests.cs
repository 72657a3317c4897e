using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// The AWS backend against the fake EC2 endpoint, in-process: offers from the shipped catalog without credentials,
/// an instance provisioned (tagged, by client token) and terminated, and no instance left when one never gets ready.
/// </summary>
public sealed class AwsBackendTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-awsb-" + Guid.NewGuid().ToString("N")[..8]));
    private readonly LoopbackMachines _machines = new();
    private FakeEc2 _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeEc2.StartAsync(_machines);

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        if (Directory.Exists(_home.Root))
        {
            Directory.Delete(_home.Root, recursive: true);
        }
    }

    [Theory]
    [InlineData(true, false, null, "network volumes need a cloud backend that supports them")]
    [InlineData(false, true, null, "instance volumes need image:")]
    [InlineData(false, true, "ubuntu:24.04", null)]
    public void Offers_Volumes_NetworkOnesAndInstanceOnesWithoutAContainer_LeaveEveryOfferOut(bool network, bool instance, string? image, string? reason)
    {
        var backend = new AwsBackend(_home, new AwsSettings { Regions = ["us-east-1"] }, new AwsCompute(new AwsSettings(), _ => throw new InvalidOperationException("offers must not call EC2")));

        var offers = backend.GetOffers(new Requirements { NetworkVolumes = network, InstanceVolumes = instance, Image = image }, OfferContext.Empty);

        if (reason is null)
        {
            Assert.Contains(offers.Candidates, c => c.Fits);
            Assert.Empty(offers.Problems);
            return;
        }

        Assert.DoesNotContain(offers.Candidates, c => c.Fits);
        Assert.All(offers.Candidates, c => Assert.Contains(c.Unmet, u => u.Contains(reason, StringComparison.Ordinal)));
        var problem = Assert.Single(offers.Problems);
        Assert.Equal(DiagnosticCodes.InvalidVolume, problem.Code);
        Assert.Equal("volumes", problem.Property);
    }

    [Fact]
    public void Offers_FromTheShippedCatalog_WithoutCredentials_OnlyTheConfiguredRegions()
    {
        var backend = new AwsBackend(_home, new AwsSettings { Regions = ["us-east-1", "eu-west-1"] }, new AwsCompute(new AwsSettings(), _ => throw new InvalidOperationException("offers must not call EC2")));

        var offers = backend.GetOffers(new Requirements { Resources = new ResourcesSpec { Gpu = GpuSpecParser.Parse("A100:80GB:8") } }, OfferContext.Empty);

        var fitting = offers.Candidates.Where(c => c.Fits).Select(c => c.Offer).ToList();
        Assert.NotEmpty(fitting);
        Assert.All(fitting, o => Assert.Contains(o.Region, new[] { "us-east-1", "eu-west-1" }));
        Assert.All(fitting, o => Assert.StartsWith("p4de.", o.Instance, StringComparison.Ordinal));
        Assert.Empty(_fake.Calls);
        // A cloud instance type is not probed with nvidia-smi: its reason says only what it lacks.
        var noGpu = offers.Candidates.First(c => c.Offer.Resources.Gpus.Count == 0 && !c.Fits);
        Assert.Contains("gpu: needs 8xA100 (80GB), the machine has no GPU", noGpu.Unmet, StringComparer.Ordinal);
    }

    [Fact]
    public async Task Provision_LaunchesTaggedByToken_WaitsForRunningAndSsh_ThenTerminates()
    {
        var backend = Backend(sshAnswers: true);
        var offer = Offer("t3.medium");

        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "fast-cat-1", 0, "fast-cat-1-0-token"), null, None);

        var launched = Assert.Single(_fake.Instances);
        Assert.Equal(launched.Id, instance.InstanceId);
        Assert.Equal(LoopbackMachines.Address, instance.Address);
        Assert.Equal(AwsCompute.ClientToken("fast-cat-1-0-token"), launched.ClientToken);
        Assert.Equal(("fast-cat-1", "fast-cat-1-0"), (launched.Tags["dstack:run"], launched.Tags["Name"]));
        Assert.Equal(ProjectKey.Of(_home).Name, launched.KeyName);
        Assert.Equal("ubuntu", instance.Offer.Data[AwsBackend.UserKey]);
        Assert.True(await backend.ExistsAsync(instance, None));
        Assert.IsType<Dstack.Runtime.Hosts.RemoteHost>(backend.HostOf(instance, Dstack.Runtime.Hosts.HostContext.Outside(_home, new RunRecord(1, "fast-cat-1", RunStatus.Running, "/c", "/r", "{}", DateTimeOffset.UtcNow, null, null, null, null, StopRequest.None, 1), new Dstack.Runtime.Runs.RunSpec { RunName = "fast-cat-1", Type = "task", ConfigurationPath = "/c", RepoRoot = "/r", Script = "true" })));

        await backend.TerminateAsync(instance, None);

        Assert.Empty(_fake.LiveInstances);
        Assert.False(await backend.ExistsAsync(instance, None));
    }

    [Fact]
    public async Task Provision_NeverAnswersSsh_FailsInWords_AndLeavesNoInstance()
    {
        var backend = Backend(sshAnswers: false);

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(Offer("t3.medium"), "slow", 0, "slow-0-token"), null, None));

        Assert.Contains("did not answer SSH (port 22)", error.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.LiveInstances);
    }

    [Fact]
    public async Task Terminate_RecordedBeforeEc2Answered_FindsTheInstanceByItsToken()
    {
        var backend = Backend(sshAnswers: true);
        var offer = Offer("t3.medium");
        await backend.ProvisionAsync(new ProvisionRequest(offer, "crashy", 0, "crashy-0-token"), null, None);

        // What a controller that died before recording EC2's answer knows: the offer and the token.
        await backend.TerminateAsync(new Dstack.Runtime.Backends.Instance(offer, "crashy-0-token", string.Empty), None);

        Assert.Empty(_fake.LiveInstances);
    }

    [Fact]
    public async Task Provision_RunInContainers_InstallsDockerThroughUserData_AndWaitsForTheEngine()
    {
        var asked = 0;
        var backend = Backend(sshAnswers: true, dockerAnswers: (host, _) =>
        {
            Assert.Equal("ubuntu", host.User);
            return Task.FromResult(Interlocked.Increment(ref asked) >= 3);
        });
        var steps = new List<string>();

        await backend.ProvisionAsync(new ProvisionRequest(Offer("t3.medium"), "boxed", 0, "boxed-0-token") { Containers = true }, new SyncProgress(p => steps.Add(((Dstack.Runtime.Runs.ProvisioningStepProgress)p).Step)), None);

        var userData = Assert.Single(_fake.Instances).UserDataText!;
        Assert.Contains("apt-get install -y docker.io", userData, StringComparison.Ordinal);
        Assert.Contains("[usermod, -aG, docker, ubuntu]", userData, StringComparison.Ordinal);
        Assert.Equal(3, asked);
        Assert.Equal(["waiting_for_docker", "ready"], steps.SkipWhile(s => s != "waiting_for_docker"));
    }

    [Fact]
    public async Task Provision_NoContainers_LeavesDockerOut_AndDoesNotWaitForIt()
    {
        var backend = Backend(sshAnswers: true, dockerAnswers: (_, _) => throw new InvalidOperationException("a run without image must not wait for Docker"));

        await backend.ProvisionAsync(new ProvisionRequest(Offer("t3.medium"), "plain", 0, "plain-0-token"), null, None);

        Assert.DoesNotContain("docker", Assert.Single(_fake.Instances).UserDataText!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_RunInContainers_EngineNeverThere_FailsInWords_AndLeavesNoInstance()
    {
        var backend = Backend(sshAnswers: true, dockerAnswers: (_, _) => Task.FromResult(false), readyLimit: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(Offer("t3.medium"), "nodocker", 0, "nodocker-0-token") { Containers = true }, null, None));

        Assert.Contains("answers SSH, but the user ubuntu could not use a Docker engine there (/var/run/docker.sock)", error.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.LiveInstances);
    }

    private sealed class SyncProgress(Action<Dstack.Runtime.Runs.RunProgress> report) : IProgress<Dstack.Runtime.Runs.RunProgress>
    {
        public void Report(Dstack.Runtime.Runs.RunProgress value) => report(value);
    }

    private AwsBackend Backend(bool sshAnswers, Func<Dstack.Runtime.Ssh.SshHost, CancellationToken, Task<bool>>? dockerAnswers = null, TimeSpan? readyLimit = null) => new(_home, new AwsSettings(), new AwsCompute(new AwsSettings(), region => _fake.NewClient(region)))
    {
        Poll = TimeSpan.FromMilliseconds(10),
        ReadyLimit = readyLimit ?? TimeSpan.FromMilliseconds(sshAnswers ? 5000 : 300),
        SshAnswers = (_, _) => Task.FromResult(sshAnswers),
        DockerAnswers = dockerAnswers,
    };

    private static Offer Offer(string type) =>
        new(AwsBackend.BackendName, "us-east-1", type, new Dstack.Runtime.Planning.MachineResources(2, new Memory(4), new Memory(100), []), false, 0.0416m)
        {
            Data = new Dictionary<string, string> { [AwsOffers.InstanceTypeKey] = type, [AwsOffers.MarketKey] = "on-demand", [AwsOffers.DiskKey] = "100" },
        };
}
