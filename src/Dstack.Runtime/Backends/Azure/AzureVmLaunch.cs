namespace Dstack.Runtime.Backends.Azure;

/// <summary>What one VM is made with: where, what size and market, how it is reached, and how it is tagged.</summary>
/// <param name="ResourceGroup">The resource group it is made in.</param>
/// <param name="Name">The VM's name; its NIC is <c>{Name}-nic</c>, its public IP <c>{Name}-ip</c> and its OS disk <c>{Name}-disk</c>.</param>
/// <param name="Region">The region.</param>
/// <param name="Size">The VM size.</param>
/// <param name="Spot">True for <c>priority: Spot</c> with <c>evictionPolicy: Delete</c>.</param>
/// <param name="MaxPrice">The most a spot VM may cost per hour (<c>billingProfile.maxPrice</c>); null for up to the pay-as-you-go price.</param>
/// <param name="SubnetId">The subnet its NIC is made in.</param>
/// <param name="PublicIp">Whether it gets a public IP.</param>
/// <param name="User">Its admin user.</param>
/// <param name="PublicKey">The project's OpenSSH public key line, its only way in.</param>
/// <param name="DiskGb">The OS disk's size.</param>
/// <param name="Tags">Its tags (the run's and config.yml's).</param>
public sealed record AzureVmLaunch(
    string ResourceGroup,
    string Name,
    string Region,
    string Size,
    bool Spot,
    decimal? MaxPrice,
    string SubnetId,
    bool PublicIp,
    string User,
    string PublicKey,
    int DiskGb,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>The marketplace image for sizes without GPUs (publisher:offer:sku:version): Ubuntu 22.04 LTS, gen 2.</summary>
    public const string CpuImage = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest";

    /// <summary>
    /// The marketplace image for sizes with GPUs: Microsoft's Ubuntu 22.04 HPC image, gen 2, with the NVIDIA driver,
    /// CUDA, the InfiniBand stack and the NVIDIA container toolkit.
    /// </summary>
    public const string GpuImage = "microsoft-dsvm:ubuntu-hpc:2204:latest";

    /// <summary>The marketplace image (publisher:offer:sku:version).</summary>
    public string Image { get; init; } = CpuImage;

    /// <summary>The proximity placement group it is made in (the VMs of a run of several nodes); null for none.</summary>
    public string? ProximityPlacementGroupId { get; init; }

    /// <summary>Base64 cloud-init user data, or null.</summary>
    public string? CustomData { get; init; }
}
