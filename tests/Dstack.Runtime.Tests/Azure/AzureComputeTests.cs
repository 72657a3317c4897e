using Azure;
using Azure.Identity;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Tests.Azure.Fake;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// The Azure backend's ARM calls, through the real Azure SDK and Azure.Identity, against <see cref="FakeArm"/> over
/// HTTPS: the token, resource SKUs, VMs with their NIC and IP made inside the request, operations, capacity errors.
/// </summary>
public sealed class AzureComputeTests(FakeArmFixture fixture) : IClassFixture<FakeArmFixture>
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheFakeArmOnly dstack";

    private readonly FakeArm _arm = fixture.Arm;

    [Fact]
    public async Task Skus_TheRegionsVmSizes_WithTheirRestrictions_AfterSigningInToTheAuthorityHost()
    {
        var compute = _arm.NewCompute();

        var eastus = await compute.SkusAsync("eastus", CancellationToken.None);
        var westeurope = await compute.SkusAsync("westeurope", CancellationToken.None);

        Assert.Equal(["Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_NC24ads_A100_v4", "Standard_NC4as_T4_v3"], eastus.Select(s => s.Size).Order());
        Assert.All(eastus, s => Assert.Null(s.Restriction));
        Assert.Equal(new AzureSku("Standard_NC24ads_A100_v4", "westeurope", "NotAvailableForSubscription"), Assert.Single(westeurope));
        Assert.Contains(_arm.Calls, c => c.Method == "POST" && c.Path == $"/{FakeArm.TenantId}/oauth2/v2.0/token" && c.Status == 200);
        Assert.Contains(_arm.Calls, c => c.Path.EndsWith("/providers/Microsoft.Compute/skus", StringComparison.Ordinal) && c.Status == 200);
    }

    [Fact]
    public async Task CreateVm_SpotWithNicAndIpInTheRequest_PollsTheOperation_ReadsTheIp_AndDeleteLeavesNothing()
    {
        var compute = _arm.NewCompute();
        await compute.EnsureResourceGroupAsync("dstack-main-eastus", "eastus", new Dictionary<string, string> { ["dstack:project"] = "main" }, CancellationToken.None);
        var launch = Launch("spot-vm", "Standard_NC4as_T4_v3") with { Spot = true, MaxPrice = 0.2m };

        var vm = await compute.CreateVmAsync(launch, CancellationToken.None);
        var address = await compute.PublicIpAsync("dstack-main-eastus", "spot-vm", CancellationToken.None);

        Assert.Equal("Succeeded", vm.ProvisioningState);
        Assert.Equal("127.0.0.1", address);
        var made = Assert.Single(_arm.LiveVms, v => v.Name == "spot-vm");
        var properties = made.Request["properties"]!;
        Assert.Equal("Spot", (string?)properties["priority"]);
        Assert.Equal("Delete", (string?)properties["evictionPolicy"]);
        Assert.Equal(0.2, (double)properties["billingProfile"]!["maxPrice"]!);
        Assert.Equal("Delete", (string?)properties["storageProfile"]!["osDisk"]!["deleteOption"]);
        var nic = properties["networkProfile"]!["networkInterfaceConfigurations"]![0]!;
        Assert.Equal("spot-vm-nic", (string?)nic["name"]);
        Assert.Equal("Delete", (string?)nic["properties"]!["deleteOption"]);
        var ip = nic["properties"]!["ipConfigurations"]![0]!["properties"]!["publicIPAddressConfiguration"]!;
        Assert.Equal("spot-vm-ip", (string?)ip["name"]);
        Assert.Equal("Delete", (string?)ip["properties"]!["deleteOption"]);
        Assert.Equal(Key, (string?)properties["osProfile"]!["linuxConfiguration"]!["ssh"]!["publicKeys"]![0]!["keyData"]);
        Assert.Equal("run-1", (string?)made.Request["tags"]!["dstack:run"]);
        Assert.Contains(_arm.Calls, c => c.Method == "GET" && c.Path.Contains("/providers/Microsoft.Compute/locations/eastus/operations/", StringComparison.Ordinal));

        await compute.DeleteVmAsync("dstack-main-eastus", "spot-vm", CancellationToken.None);

        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == "spot-vm");
        Assert.Null(await compute.VmAsync("dstack-main-eastus", "spot-vm", CancellationToken.None));
        await AzureWait.UntilAsync(() => fixture.Machines.Released.Any(m => m.InstanceId == "spot-vm"), "the VM's machine released");
    }

    [Fact]
    public async Task CreateVm_OnDemand_HasNoSpotSettings()
    {
        var compute = _arm.NewCompute();
        await compute.EnsureResourceGroupAsync("dstack-main-eastus", "eastus", new Dictionary<string, string>(), CancellationToken.None);

        await compute.CreateVmAsync(Launch("ondemand-vm", "Standard_D2s_v5"), CancellationToken.None);

        var properties = Assert.Single(_arm.LiveVms, v => v.Name == "ondemand-vm").Request["properties"]!;
        Assert.Null(properties["priority"]);
        Assert.Null(properties["billingProfile"]);
        await compute.DeleteVmAsync("dstack-main-eastus", "ondemand-vm", CancellationToken.None);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == "ondemand-vm");
    }

    [Fact]
    public async Task CreateVm_SkuNotAvailable_IsACapacityError_AndMakesNoVm()
    {
        var compute = _arm.NewCompute();
        await compute.EnsureResourceGroupAsync("dstack-main-eastus", "eastus", new Dictionary<string, string>(), CancellationToken.None);
        _arm.FailNextCreate("Standard_NC24ads_A100_v4", "SkuNotAvailable");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => compute.CreateVmAsync(Launch("sku-vm", "Standard_NC24ads_A100_v4"), CancellationToken.None));

        Assert.Equal(409, error.Status);
        Assert.Equal("SkuNotAvailable", error.ErrorCode);
        Assert.True(AzureCompute.IsCapacityError(error));
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == "sku-vm");
    }

    [Theory]
    [InlineData("AllocationFailed")]
    [InlineData("ZonalAllocationFailed")]
    public async Task CreateVm_FailedAllocation_IsACapacityError_AndLeavesAFailedVmThatDeleteRemoves(string code)
    {
        var compute = _arm.NewCompute();
        await compute.EnsureResourceGroupAsync("dstack-main-eastus", "eastus", new Dictionary<string, string>(), CancellationToken.None);
        _arm.FailNextCreate("Standard_NC4as_T4_v3", code);
        var name = $"alloc-{code.ToLowerInvariant()}";

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => compute.CreateVmAsync(Launch(name, "Standard_NC4as_T4_v3"), CancellationToken.None));

        Assert.Equal(code, error.ErrorCode);
        Assert.True(AzureCompute.IsCapacityError(error));
        Assert.Equal("Failed", Assert.Single(_arm.LiveVms, v => v.Name == name).ProvisioningState);
        await compute.DeleteVmAsync("dstack-main-eastus", name, CancellationToken.None);
        Assert.DoesNotContain(_arm.LiveVms, v => v.Name == name);
    }

    [Fact]
    public async Task Delete_VmAlreadyGone_IsNoError()
    {
        var compute = _arm.NewCompute();

        await compute.DeleteVmAsync("dstack-main-eastus", "never-made", CancellationToken.None);

        Assert.Null(await compute.VmAsync("dstack-main-eastus", "never-made", CancellationToken.None));
    }

    [Fact]
    public async Task WrongClientSecret_FailsToSignIn_WithoutTheSecretInTheMessage()
    {
        var compute = _arm.NewCompute(_arm.Settings with { Client = new AzureClientSecret(FakeArm.ClientId, "wrong-secret-value") });

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => compute.SkusAsync("eastus", CancellationToken.None));

        Assert.Contains("AADSTS7000215: Invalid client secret provided", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", error.ToString(), StringComparison.Ordinal);
    }

    private static AzureVmLaunch Launch(string name, string size) => new(
        "dstack-main-eastus",
        name,
        "eastus",
        size,
        Spot: false,
        MaxPrice: null,
        SubnetId: $"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/dstack-main-eastus/providers/Microsoft.Network/virtualNetworks/dstack-vnet/subnets/default",
        PublicIp: true,
        User: "ubuntu",
        PublicKey: Key,
        DiskGb: 100,
        Tags: new Dictionary<string, string> { ["dstack:run"] = "run-1" });
}
