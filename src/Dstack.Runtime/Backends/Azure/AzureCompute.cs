using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The ARM calls of the Azure backend, through Azure.ResourceManager.Compute: resource SKUs, resource groups, VMs (whose
/// NIC and public IP ARM makes inside the VM request, <c>networkInterfaceConfigurations</c>, since
/// Azure.ResourceManager.Network does not restore here) and the public IP read back as a generic resource. Long-running
/// operations are the SDK's (<c>Azure-AsyncOperation</c> polling).
/// </summary>
public sealed partial class AzureCompute
{
    /// <summary>The Microsoft.Network API version of the NICs and public IPs made inside VM requests and read back.</summary>
    public const string NetworkApi = "2022-11-01";

    /// <summary>ARM's error codes that mean "no room for this size here now": the next offer is tried.</summary>
    public static readonly IReadOnlySet<string> CapacityCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "SkuNotAvailable", "AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest",
    };

    private static readonly ResourceType PublicIpType = new("Microsoft.Network/publicIPAddresses");

    private readonly ArmClient _arm;
    private readonly SubscriptionResource _subscription;
    private readonly string _subscriptionId;

    /// <summary>A client of ARM for the entry's subscription.</summary>
    /// <param name="settings">The azure entry.</param>
    /// <param name="credential">Its credential (<see cref="AzureCredentialsSource.Create"/>).</param>
    /// <param name="endpoint">ARM's base address; null for the public cloud's (tests pass their fake's).</param>
    /// <param name="transport">How requests are sent; null in the product (tests trust their fake's certificate through it).</param>
    public AzureCompute(AzureSettings settings, TokenCredential credential, Uri? endpoint = null, HttpPipelineTransport? transport = null)
    {
        var options = new ArmClientOptions();
        if (endpoint is not null)
        {
            options.Environment = new ArmEnvironment(endpoint, ArmEnvironment.AzurePublicCloud.Audience);
        }

        if (transport is not null)
        {
            options.Transport = transport;
        }

        // Without it, reading a public IP first asks the Microsoft.Network provider for its API versions.
        foreach (var type in (ReadOnlySpan<ResourceType>)[PublicIpType, NicType, SecurityGroupType, NetworkType])
        {
            options.SetApiVersion(type, NetworkApi);
        }
        _subscriptionId = settings.SubscriptionId;
        _arm = new ArmClient(credential, settings.SubscriptionId, options);
        _subscription = _arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(settings.SubscriptionId));
    }

    /// <summary>Whether ARM's refusal is a capacity error (<see cref="CapacityCodes"/>): the next offer is tried.</summary>
    public static bool IsCapacityError(RequestFailedException exception) => exception.ErrorCode is { } code && CapacityCodes.Contains(code) || IsSpotPriceError(exception);

    /// <summary>
    /// Whether ARM refused a Spot VM because its <c>billingProfile.maxPrice</c> is below the current spot price
    /// (<c>OperationNotAllowed</c>, "the provided max price ... is lower than the current spot price"): the next offer is tried.
    /// </summary>
    public static bool IsSpotPriceError(RequestFailedException exception) =>
        exception.ErrorCode == "OperationNotAllowed" && exception.Message.Contains("current spot price", StringComparison.OrdinalIgnoreCase);

    /// <summary>The VM sizes of the subscription's resource SKUs in <paramref name="region"/>, restricted ones with their reason.</summary>
    public async Task<IReadOnlyList<AzureSku>> SkusAsync(string region, CancellationToken cancellationToken)
    {
        var skus = new List<AzureSku>();
        await foreach (var sku in _subscription.GetComputeResourceSkusAsync($"location eq '{region}'", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (sku.ResourceType != "virtualMachines" || sku.Name is null || !sku.Locations.Any(l => string.Equals(l.ToString(), region, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var restriction = sku.Restrictions.FirstOrDefault(r => r.RestrictionsType == ComputeResourceSkuRestrictionsType.Location
                && (r.Values.Count == 0 || r.Values.Contains(region, StringComparer.OrdinalIgnoreCase)));
            skus.Add(new AzureSku(sku.Name, region, restriction is null ? null : restriction.ReasonCode?.ToString() ?? "restricted"));
        }

        return skus;
    }

    /// <summary>Makes the resource group, or updates its tags when it exists.</summary>
    public async Task EnsureResourceGroupAsync(string name, string region, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var data = new ResourceGroupData(new AzureLocation(region));
        foreach (var (key, value) in tags)
        {
            data.Tags[key] = value;
        }

        await _subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, name, data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the VM and waits until ARM says it succeeded (a cancellation stops the wait, never the request); its NIC, public IP and OS disk are deleted with it. A capacity
    /// refusal (409 <c>SkuNotAvailable</c>, or a failed operation with <c>AllocationFailed</c>) is a
    /// <see cref="RequestFailedException"/> that <see cref="IsCapacityError"/> knows.
    /// </summary>
    public async Task<VirtualMachineData> CreateVmAsync(AzureVmLaunch launch, CancellationToken cancellationToken)
    {
        var group = _arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(_subscriptionId, launch.ResourceGroup));
        // The request itself is not cancelled (ARM may make the VM even when its answer is never read); only the wait for
        // its operation is, so that a stop does not wait minutes for a VM it then deletes.
        var operation = await group.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, launch.Name, VmData(launch), CancellationToken.None).ConfigureAwait(false);
        var done = await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        return done.Value.Data;
    }

    /// <summary>The VM, or null when ARM has none of that name.</summary>
    public async Task<VirtualMachineData?> VmAsync(string resourceGroup, string name, CancellationToken cancellationToken)
    {
        try
        {
            var vm = await _arm.GetVirtualMachineResource(VirtualMachineResource.CreateResourceIdentifier(_subscriptionId, resourceGroup, name)).GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return vm.Value.Data;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes the VM (with its NIC, public IP and OS disk) and waits for it; a VM already gone is no error.</summary>
    public async Task DeleteVmAsync(string resourceGroup, string name, CancellationToken cancellationToken)
    {
        try
        {
            await _arm.GetVirtualMachineResource(VirtualMachineResource.CreateResourceIdentifier(_subscriptionId, resourceGroup, name)).DeleteAsync(WaitUntil.Completed, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone already: deleted by an earlier end, or by a spot eviction (evictionPolicy: Delete).
        }
    }

    /// <summary>The address of the public IP ARM made for the VM <paramref name="vmName"/>, read as a generic resource; null while it has none.</summary>
    public async Task<string?> PublicIpAsync(string resourceGroup, string vmName, CancellationToken cancellationToken)
    {
        var id = new ResourceIdentifier($"/subscriptions/{_subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/publicIPAddresses/{vmName}-ip");
        var resource = await _arm.GetGenericResource(id).GetAsync(cancellationToken).ConfigureAwait(false);
        using var properties = JsonDocument.Parse(resource.Value.Data.Properties.ToString());
        return properties.RootElement.TryGetProperty("ipAddress", out var address) && address.ValueKind == JsonValueKind.String ? address.GetString() : null;
    }

    private static VirtualMachineData VmData(AzureVmLaunch launch)
    {
        var image = launch.Image.Split(':');
        var ipConfiguration = new VirtualMachineNetworkInterfaceIPConfiguration($"{launch.Name}-ipconfig")
        {
            SubnetId = new ResourceIdentifier(launch.SubnetId),
            Primary = true,
        };
        if (launch.PublicIp)
        {
            ipConfiguration.PublicIPAddressConfiguration = new VirtualMachinePublicIPAddressConfiguration($"{launch.Name}-ip")
            {
                DeleteOption = ComputeDeleteOption.Delete,
                PublicIPAllocationMethod = PublicIPAllocationMethod.Static,
                Sku = new ComputePublicIPAddressSku { Name = ComputePublicIPAddressSkuName.Standard },
            };
        }

        var nic = new VirtualMachineNetworkInterfaceConfiguration($"{launch.Name}-nic") { Primary = true, DeleteOption = ComputeDeleteOption.Delete };
        nic.IPConfigurations.Add(ipConfiguration);
        var data = new VirtualMachineData(new AzureLocation(launch.Region))
        {
            HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType(launch.Size) },
            StorageProfile = new VirtualMachineStorageProfile
            {
                ImageReference = new ImageReference { Publisher = image[0], Offer = image[1], Sku = image[2], Version = image[3] },
                OSDisk = new VirtualMachineOSDisk(DiskCreateOptionType.FromImage)
                {
                    Name = $"{launch.Name}-disk",
                    DiskSizeGB = launch.DiskGb,
                    DeleteOption = DiskDeleteOptionType.Delete,
                    ManagedDisk = new VirtualMachineManagedDisk { StorageAccountType = StorageAccountType.StandardSsdLrs },
                },
            },
            OSProfile = new VirtualMachineOSProfile
            {
                ComputerName = launch.Name,
                AdminUsername = launch.User,
                CustomData = launch.CustomData,
                LinuxConfiguration = new LinuxConfiguration
                {
                    DisablePasswordAuthentication = true,
                    SshPublicKeys = { new SshPublicKeyConfiguration { Path = $"/home/{launch.User}/.ssh/authorized_keys", KeyData = launch.PublicKey } },
                },
            },
            NetworkProfile = new VirtualMachineNetworkProfile { NetworkApiVersion = new NetworkApiVersion("2020-11-01") },
        };
        data.NetworkProfile.NetworkInterfaceConfigurations.Add(nic);
        if (launch.ProximityPlacementGroupId is { } placement)
        {
            data.ProximityPlacementGroupId = new ResourceIdentifier(placement);
        }

        if (launch.Spot)
        {
            data.Priority = VirtualMachinePriorityType.Spot;
            data.EvictionPolicy = VirtualMachineEvictionPolicyType.Delete;
            // -1: up to the pay-as-you-go price (ARM's rule); a max_price caps it.
            data.BillingMaxPrice = launch.MaxPrice is { } max ? (double)max : -1;
        }

        foreach (var (key, value) in launch.Tags)
        {
            data.Tags[key] = value;
        }

        return data;
    }
}
