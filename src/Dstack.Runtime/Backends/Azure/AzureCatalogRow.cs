using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>One VM size in one region, as the shipped Azure catalog lists it: its prices and what one VM has.</summary>
/// <param name="Size">The VM size (<c>Standard_NC24ads_A100_v4</c>), the row's <see cref="CloudCatalogRow.Instance"/>.</param>
/// <param name="Region">The region (<c>eastus</c>).</param>
/// <param name="Price">The pay-as-you-go price, dollars per hour.</param>
/// <param name="SpotPrice">A typical spot price, dollars per hour (not a live one).</param>
/// <param name="Cpus">The vCPUs.</param>
/// <param name="MemoryGb">The RAM in GiB (dstack's GB).</param>
/// <param name="Gpus">The GPUs, all of one model; empty without.</param>
/// <param name="TempDiskGb">The temporary disk in GB; 0 without one.</param>
public sealed record AzureCatalogRow(string Size, string Region, decimal Price, decimal SpotPrice, int Cpus, double MemoryGb, IReadOnlyList<MachineGpu> Gpus, double TempDiskGb)
    : CloudCatalogRow(Size, Region, Price, SpotPrice, Cpus, MemoryGb, Gpus)
{
    /// <summary>The VM size (<c>Standard_NC24ads_A100_v4</c>): Azure's word for the instance type.</summary>
    public string Size => Instance;
}
