using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Azure.Fake;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// Provisioning on Azure in-process: the backend (its offers, its ARM calls through the real SDK) against
/// <see cref="FakeArm"/> over HTTPS, with loopback machines and SSH readiness replaced; every end leaves no VM.
/// </summary>
public sealed class AzureBackendTests(FakeArmFixture fixture) : IClassFixture<FakeArmFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly FakeArm _arm = fixture.Arm;

    [Fact]
    public void Offers_FromTheShippedCatalog_WithoutArm_OnlyTheConfiguredRegions()
    {
        var calls = _arm.Calls.Count;
        var backend = new AzureBackend(fixture.Home, _arm.Settings with { Regions = ["westeurope"] }, _arm.NewCompute());

        var offers = backend.GetOffers(new Requirements { Resources = new ResourcesSpec { Gpu = GpuSpecParser.Parse("A100:80GB") } }, OfferContext.Empty);

        var fitting = offers.Candidates.Where(c => c.Fits).Select(c => c.Offer).ToList();
        Assert.NotEmpty(fitting);
        Assert.All(fitting, o => Assert.Equal(("azure", "westeurope"), (o.Backend, o.Region)));
        Assert.Equal(calls, _arm.Calls.Count);
        Assert.Equal((OfferPrices.Catalog, "Azure VM catalog of 2026-12-04 (shipped; estimates)"), (offers.Prices!.Source, offers.Prices.Description));
    }

    [Fact]
    public async Task Offers_AfterARefresh_LeaveOutSizesTheResourceSkusRestrictOrDoNotList()
    {
        var backend = new AzureBackend(fixture.Home, _arm.Settings with { Regions = ["eastus", "westeurope"] }, _arm.NewCompute());
        var a100 = new Requirements { Resources = new ResourcesSpec { Gpu = GpuSpecParser.Parse("A100:80GB") } };
        var t4 = new Requirements { Resources = new ResourcesSpec { Gpu = GpuSpecParser.Parse("T4") } };
        Assert.Contains(backend.GetOffers(a100, OfferContext.Empty).Candidates, c => c.Fits && c.Offer.Region == "westeurope");

        var refresh = await backend.RefreshOffersAsync(None);

        Assert.Equal(new OfferRefresh(true, null), refresh);
        var offers = backend.GetOffers(a100, OfferContext.Empty).Candidates;
        Assert.Equal(["eastus"], offers.Where(c => c.Fits).Select(c => c.Offer.Region).Distinct());
        Assert.Contains(offers, c => c.Offer.Region == "westeurope" && c.Unmet.Contains("regions: Standard_NC24ads_A100_v4 is restricted in westeurope for this subscription (NotAvailableForSubscription)"));
        var t4Offers = backend.GetOffers(t4, OfferContext.Empty).Candidates;
        Assert.Equal(["Standard_NC4as_T4_v3"], t4Offers.Where(c => c.Fits).Select(c => c.Offer.Instance).Distinct());
        Assert.Contains(t4Offers, c => c.Unmet.Contains("regions: Standard_NC8as_T4_v3 is not offered in eastus to this subscription (resource SKUs)"));
        Assert.Equal(OfferRefresh.NotNeeded, await backend.RefreshOffersAsync(None));
    }

    [Fact]
    public async Task WrongSecret_RefreshIsAWarning_TheCatalogStays_AndExistsIsUnknown()
    {
        var backend = new AzureBackend(fixture.Home, _arm.Settings with { Client = new AzureClientSecret(FakeArm.ClientId, "wrong") }, _arm.NewCompute(_arm.Settings with { Client = new AzureClientSecret(FakeArm.ClientId, "wrong") }));

        var refresh = await backend.RefreshOffersAsync(None);

        Assert.False(refresh.Refreshed);
        Assert.StartsWith("azure: the resource SKUs could not be read (ClientSecretCredential authentication failed", refresh.Warning, StringComparison.Ordinal);
        Assert.EndsWith("the offers are the shipped catalog's of 2026-12-04", refresh.Warning, StringComparison.Ordinal);
        Assert.Contains(backend.GetOffers(new Requirements(), OfferContext.Empty).Candidates, c => c.Fits);
        Assert.Null(await backend.ExistsAsync(new Instance(backend.GetOffers(new Requirements(), OfferContext.Empty).Candidates[0].Offer, "dstack-x-eastus/dstack-0123", "10.0.0.4"), None));
    }

    [Fact]
    public async Task Provision_MakesGroupNetworkAndVm_WaitsForSsh_ThenTerminateDeletesIt()
    {
        var steps = new List<string>();
        var backend = Backend(_ => true);
        var offer = Offer(backend, "gpu: T4", spot: false);
        var token = "run-a-0-" + Guid.NewGuid().ToString("N");

        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "run-a", 0, token), new SyncProgress(p => steps.Add(((ProvisioningStepProgress)p).Step)), None);

        var group = AzureBackend.ResourceGroupName(Dstack.Runtime.Backends.CloudInit.ProjectName(fixture.Home), offer.Region);
        var name = AzureBackend.VmName(token);
        Assert.Equal($"{group}/{name}", instance.InstanceId);
        Assert.Equal(LoopbackMachines.Address, instance.Address);
        Assert.Equal(["resource_group", "network", "creating", "waiting_for_ssh", "ready"], steps);
        var vm = Assert.Single(_arm.LiveVms, v => v.Name == name);
        Assert.Equal(offer.Instance, vm.Size);
        var image = vm.Request["properties"]!["storageProfile"]!["imageReference"]!;
        Assert.Equal("microsoft-dsvm:ubuntu-hpc:2204:latest", $"{image["publisher"]}:{image["offer"]}:{image["sku"]}:{image["version"]}");
        Assert.Equal("run-a", (string?)vm.Request["tags"]!["dstack-run"]);
        Assert.Equal(ProjectKey.Of(fixture.Home).PublicKey, (string?)vm.Request["properties"]!["osProfile"]!["linuxConfiguration"]!["ssh"]!["publicKeys"]![0]!["keyData"]);
        var nsg = _arm.NetworkResources.Single(r => r.Key.EndsWith($"/{group}/providers/Microsoft.Network/networkSecurityGroups/{AzureCompute.SecurityGroupName}", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal("22", (string?)nsg["properties"]!["securityRules"]![0]!["properties"]!["destinationPortRange"]);
        Assert.Equal(AzureBackend.DefaultUser, instance.Offer.Data[AzureBackend.UserKey]);
        Assert.True(await backend.ExistsAsync(instance, None));

        await backend.TerminateAsync(instance, None);

        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == name);
        Assert.False(await backend.ExistsAsync(instance, None));
    }

    [Theory]
    [InlineData("SkuNotAvailable")]
    [InlineData("AllocationFailed")]
    [InlineData("ZonalAllocationFailed")]
    public async Task Provision_CapacityError_IsNoCapacity_AndLeavesNoVm(string code)
    {
        var backend = Backend(_ => true);
        var offer = Offer(backend, "gpu: A100:80GB", spot: true);
        var token = "run-b-0-" + Guid.NewGuid().ToString("N");
        _arm.FailNextCreate(offer.Instance, code);

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(offer, "run-b", 0, token), null, None));

        Assert.True(error.NoCapacity);
        Assert.Equal($"{offer.Instance} in {offer.Region}: Azure has no capacity for it now ({code}); trying another offer", error.Message);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
    }

    [Fact]
    public async Task Provision_NeverAnswersSsh_FailsInWords_AndLeavesNoVm()
    {
        var backend = new AzureBackend(fixture.Home, _arm.Settings, _arm.NewCompute()) { SshAnswers = (_, _) => Task.FromResult(false), ReadyLimit = TimeSpan.FromMilliseconds(200), Poll = TimeSpan.FromMilliseconds(20) };
        var offer = Offer(backend, "cpu: 2", spot: false);
        var token = "run-c-0-" + Guid.NewGuid().ToString("N");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(offer, "run-c", 0, token), null, None));

        Assert.False(error.NoCapacity);
        Assert.Contains("did not answer SSH (port 22) within 0 seconds (DSTACK_AZURE_READY_SECONDS changes it); it was deleted", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
    }

    [Fact]
    public async Task Provision_StoppedWhileWaitingForSsh_LeavesNoVm()
    {
        using var stop = new CancellationTokenSource();
        var backend = Backend(_ =>
        {
            stop.Cancel();
            return false;
        });
        var offer = Offer(backend, "cpu: 2", spot: false);
        var token = "run-d-0-" + Guid.NewGuid().ToString("N");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backend.ProvisionAsync(new ProvisionRequest(offer, "run-d", 0, token), null, stop.Token));

        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Provision_Containers_InstallDockerThroughCustomData_AndWaitForTheEngine(bool containers)
    {
        var steps = new List<string>();
        var asked = 0;
        var backend = new AzureBackend(fixture.Home, _arm.Settings, _arm.NewCompute())
        {
            SshAnswers = (_, _) => Task.FromResult(true),
            DockerAnswers = (_, _) => Task.FromResult(++asked > 1),
            Poll = TimeSpan.FromMilliseconds(20),
        };
        var offer = Offer(backend, "cpu: 2", spot: false);
        var token = "run-f-0-" + Guid.NewGuid().ToString("N");

        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "run-f", 0, token) { Containers = containers }, new SyncProgress(p => steps.Add(((ProvisioningStepProgress)p).Step)), None);

        var vm = Assert.Single(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
        var customData = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)vm.Request["properties"]!["osProfile"]!["customData"]!));
        Assert.StartsWith("#cloud-config\n", customData, StringComparison.Ordinal);
        Assert.Equal(containers, customData.Contains("apt-get install -y docker.io", StringComparison.Ordinal));
        Assert.Equal(containers, steps.Contains("waiting_for_docker"));
        Assert.Equal(containers ? 2 : 0, asked);
        await backend.TerminateAsync(instance, None);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
    }

    [Fact]
    public async Task Provision_Containers_EngineNeverThere_FailsInWords_AndLeavesNoVm()
    {
        var backend = new AzureBackend(fixture.Home, _arm.Settings, _arm.NewCompute())
        {
            SshAnswers = (_, _) => Task.FromResult(true),
            DockerAnswers = (_, _) => Task.FromResult(false),
            ReadyLimit = TimeSpan.FromMilliseconds(200),
            Poll = TimeSpan.FromMilliseconds(20),
        };
        var offer = Offer(backend, "cpu: 2", spot: false);
        var token = "run-g-0-" + Guid.NewGuid().ToString("N");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(offer, "run-g", 0, token) { Containers = true }, null, None));

        Assert.Contains("could not use a Docker engine there (/var/run/docker.sock)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
    }

    [Fact]
    public async Task Terminate_RecordedBeforeArmAnswered_FindsTheVmByItsToken()
    {
        var backend = Backend(_ => true);
        var offer = Offer(backend, "cpu: 2", spot: false);
        var token = "run-e-0-" + Guid.NewGuid().ToString("N");
        await backend.ProvisionAsync(new ProvisionRequest(offer, "run-e", 0, token), null, None);

        await backend.TerminateAsync(new Instance(offer, token, string.Empty), None);

        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == AzureBackend.VmName(token));
    }

    private AzureBackend Backend(Func<string, bool> sshAnswers) =>
        new(fixture.Home, _arm.Settings, _arm.NewCompute()) { SshAnswers = (address, _) => Task.FromResult(sshAnswers(address)), Poll = TimeSpan.FromMilliseconds(20) };

    private static Offer Offer(AzureBackend backend, string resources, bool spot)
    {
        var document = Dstack.Runtime.Configuration.ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        var requirements = new Requirements { Resources = document.RunConfiguration!.Resources, SpotPolicy = spot ? Dstack.Runtime.Configuration.Model.SpotPolicy.Spot : null };
        return backend.GetOffers(requirements, OfferContext.Empty).Candidates.First(c => c.Fits && c.Offer.Region == "eastus").Offer;
    }

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
