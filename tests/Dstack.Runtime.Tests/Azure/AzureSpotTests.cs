using System.Text.Json.Nodes;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// Spot VMs on Azure in-process against <see cref="Fake.FakeArm"/>: the run's <c>max_price</c> as the VM's
/// <c>billingProfile.maxPrice</c> (-1 without one), ARM's refusal of a max price below the spot price as a reason to try
/// the next offer, and an evicted Spot VM told apart from a host that just stopped answering.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AzureSpotTests(FakeArmFixture fixture) : IClassFixture<FakeArmFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly Fake.FakeArm _arm = fixture.Arm;

    [Theory]
    [InlineData(true, 2.5, "2.5")]
    [InlineData(true, null, "-1")]
    [InlineData(false, 2.5, null)]
    public async Task Provision_SendsTheRunsMaxPrice_AsBillingMaxPrice_MinusOneWithoutIt_NoneForPayAsYouGo(bool spot, double? maxPrice, string? expected)
    {
        var backend = Backend();
        var offer = Offer(backend, "Standard_D2s_v5", spot, maxPrice);
        var steps = new List<string>();

        var instance = await backend.ProvisionAsync(Request(offer, "price"), new SyncProgress(p => steps.Add(((ProvisioningStepProgress)p).Detail)), None);

        var vm = Assert.Single(_arm.LiveVms, v => instance.InstanceId.EndsWith("/" + v.Name, StringComparison.Ordinal));
        var properties = vm.Request["properties"]!;
        Assert.Equal(spot ? "Spot" : null, (string?)properties["priority"]);
        Assert.Equal(spot ? "Delete" : null, (string?)properties["evictionPolicy"]);
        Assert.Equal(expected, properties["billingProfile"]?["maxPrice"]?.ToJsonString());
        Assert.Contains(steps, s => s.Contains(spot ? maxPrice is null ? "(Standard_D2s_v5, spot)" : "(Standard_D2s_v5, spot, max price $2.5/hour)" : "(Standard_D2s_v5, pay-as-you-go)", StringComparison.Ordinal));
        await backend.TerminateAsync(instance, None);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == vm.Name);
    }

    [Fact]
    public void Offers_SpotOnesCarryTheMaxPrice_PayAsYouGoOnesDoNot()
    {
        var offers = Backend().GetOffers(new Requirements { SpotPolicy = SpotPolicy.Auto, MaxPrice = 0.5, InstanceTypes = ["Standard_D2s_v5"] }, OfferContext.Empty).Candidates.Where(c => c.Fits).Select(c => c.Offer).ToList();

        Assert.Contains(offers, o => o.Spot);
        Assert.Contains(offers, o => !o.Spot);
        Assert.All(offers, o => Assert.Equal(o.Spot ? "0.5" : null, o.Data.GetValueOrDefault(AzureBackend.MaxPriceKey)));
    }

    [Fact]
    public async Task Provision_MaxPriceBelowTheSpotPrice_IsRefusedAsArmDoes_ANoCapacityFailure_AndLeavesNoVm()
    {
        var backend = Backend();
        var offer = Offer(backend, "Standard_D4s_v5", spot: true, maxPrice: 0.05);
        _arm.SetSpotPrice("Standard_D4s_v5", 0.0512m);
        var calls = _arm.Calls.Count;

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(Request(offer, "cheap"), null, None));

        Assert.True(error.NoCapacity);
        Assert.Equal("Standard_D4s_v5 in eastus: Azure's spot price is above max_price $0.05/hour now (OperationNotAllowed); trying another offer", error.Message);
        var put = Assert.Single(_arm.Calls.Skip(calls), c => c.Method == "PUT" && c.Path.Contains("/virtualMachines/", StringComparison.Ordinal));
        Assert.Equal(409, put.Status);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Size == "Standard_D4s_v5");

        // Without a max price (-1) the same size is had: it pays up to the pay-as-you-go price.
        var instance = await backend.ProvisionAsync(Request(Offer(backend, "Standard_D4s_v5", spot: true, maxPrice: null), "cheap"), null, None);
        await backend.TerminateAsync(instance, None);
    }

    [Fact]
    public async Task InterruptionOf_ARunningSpotVm_IsNull_OnceEvictedAndDeleted_SaysSo_AndItsHostIsGone()
    {
        var backend = Backend();
        var instance = await backend.ProvisionAsync(Request(Offer(backend, "Standard_D2s_v5", spot: true, maxPrice: null), "evicted"), null, None);
        var host = Assert.IsType<RemoteHost>(backend.HostOf(instance, Context()));
        var vm = Assert.Single(_arm.LiveVms, v => instance.InstanceId.EndsWith("/" + v.Name, StringComparison.Ordinal));

        Assert.Null(await backend.InterruptionOfAsync(instance, None));
        Assert.False(await host.Gone!(None));
        _arm.Evict(vm);

        Assert.Equal("ARM no longer has the Spot VM: Azure evicted it (evictionPolicy Delete deletes it with its disk)", await backend.InterruptionOfAsync(instance, None));
        Assert.True(await host.Gone!(None));
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == vm.Name);
        // Its NIC and public IP went with it.
        var compute = _arm.NewCompute();
        Assert.Equal(404, (await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => compute.PrivateIpAsync(vm.ResourceGroup, vm.Name, None))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => compute.PublicIpAsync(vm.ResourceGroup, vm.Name, None))).Status);
        await backend.TerminateAsync(instance, None);
    }

    [Fact]
    public async Task InterruptionOf_ASpotVmEvictedAndDeallocated_SaysItsPowerState()
    {
        var backend = Backend();
        var instance = await backend.ProvisionAsync(Request(Offer(backend, "Standard_D2s_v5", spot: true, maxPrice: null), "deallocated"), null, None);
        var vm = Assert.Single(_arm.LiveVms, v => instance.InstanceId.EndsWith("/" + v.Name, StringComparison.Ordinal));

        _arm.Evict(vm, deallocate: true);

        Assert.Equal("Azure evicted the Spot VM (PowerState/deallocated)", await backend.InterruptionOfAsync(instance, None));
        await backend.TerminateAsync(instance, None);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == vm.Name);
    }

    [Fact]
    public async Task InterruptionOf_APayAsYouGoVmGone_OrAnInstanceNotYetNamed_IsNull()
    {
        var backend = Backend();
        var offer = Offer(backend, "Standard_D2s_v5", spot: false, maxPrice: null);
        var instance = await backend.ProvisionAsync(Request(offer, "ondemand"), null, None);
        await backend.TerminateAsync(instance, None);

        Assert.Null(await backend.InterruptionOfAsync(instance, None));
        Assert.Null(await backend.InterruptionOfAsync(new Instance(Offer(backend, "Standard_D2s_v5", spot: true, maxPrice: null), "token-not-yet-named", string.Empty), None));
    }

    private AzureBackend Backend() =>
        new(fixture.Home, _arm.Settings, _arm.NewCompute()) { SshAnswers = (_, _) => Task.FromResult(true), Poll = TimeSpan.FromMilliseconds(20) };

    private static ProvisionRequest Request(Offer offer, string run) => new(offer, run, 0, $"{run}-0-{Guid.NewGuid():N}");

    private static Offer Offer(AzureBackend backend, string size, bool spot, double? maxPrice) =>
        backend.GetOffers(new Requirements { SpotPolicy = spot ? SpotPolicy.Spot : SpotPolicy.OnDemand, MaxPrice = maxPrice, InstanceTypes = [size], Regions = ["eastus"] }, OfferContext.Empty)
            .Candidates.First(c => c.Fits).Offer;

    private HostContext Context() => HostContext.Outside(fixture.Home, new RunRecord(1, "spot", RunStatus.Running, "/c", "/r", "{}", DateTimeOffset.UtcNow, null, null, null, null, StopRequest.None, 1), new RunSpec { RunName = "spot", Type = "task", ConfigurationPath = "/c", RepoRoot = "/r", Script = "true" });

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
