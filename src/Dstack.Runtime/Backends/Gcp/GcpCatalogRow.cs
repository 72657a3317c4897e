using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// One machine type (with its GPUs) in one region, as the shipped Compute Engine catalog lists it: its prices, the
/// zones that have it, and what one instance has. Whoever builds rows (the catalog, live lists) hands them to
/// <see cref="GcpOffers.For"/>.
/// </summary>
/// <param name="Instance">The machine type (<c>a2-highgpu-1g</c>, <c>n1-standard-8</c>).</param>
/// <param name="Accelerator">The acceleratorType attached to it (<c>nvidia-tesla-t4</c>); empty when the GPUs come with the machine type (A2, A3, G2) or there are none.</param>
/// <param name="Region">The region (<c>us-central1</c>).</param>
/// <param name="Zones">The region's zones that have it, in full (<c>us-central1-a</c>).</param>
/// <param name="Price">The on-demand price of the machine type and its GPUs, dollars per hour.</param>
/// <param name="SpotPrice">A typical Spot VM price, dollars per hour (not a live one).</param>
/// <param name="Cpus">The vCPUs.</param>
/// <param name="MemoryGb">The RAM in GB (Google's GiB, which are dstack's GB).</param>
/// <param name="Gpus">The GPUs, all alike; empty without any.</param>
public sealed record GcpCatalogRow(
    string Instance,
    string Accelerator,
    string Region,
    IReadOnlyList<string> Zones,
    decimal Price,
    decimal SpotPrice,
    int Cpus,
    double MemoryGb,
    IReadOnlyList<MachineGpu> Gpus) : CloudCatalogRow(Instance, Region, Price, SpotPrice, Cpus, MemoryGb, Gpus)
{
    /// <summary>How the offer shows the machine: the machine type, with an attached accelerator after it.</summary>
    public string Display => Accelerator.Length == 0 ? Instance : $"{Instance} + {Gpus.Count}x{Accelerator}";
}
