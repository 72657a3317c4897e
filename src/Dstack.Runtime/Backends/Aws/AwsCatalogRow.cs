using Dstack.Runtime.Backends.Cloud;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// One instance type in one region, as the shipped EC2 catalog lists it: its prices and what one instance has.
/// </summary>
/// <param name="Instance">The instance type (<c>g5.xlarge</c>).</param>
/// <param name="Region">The region (<c>us-east-1</c>).</param>
/// <param name="Price">The on-demand price, dollars per hour.</param>
/// <param name="SpotPrice">A typical spot price, dollars per hour (not a live one).</param>
/// <param name="Cpus">The vCPUs.</param>
/// <param name="MemoryGb">The RAM in GB (AWS's GiB, which are dstack's GB).</param>
/// <param name="GpuCount">How many accelerators it has (GPUs, or AWS's own Inferentia and Trainium chips).</param>
/// <param name="GpuName">The accelerator's name as dstack writes it (<c>A10G</c>); empty without one.</param>
/// <param name="GpuMemoryGb">Each accelerator's memory in GB; 0 without one.</param>
/// <param name="GpuVendor">The accelerator's vendor as the file writes it: <c>nvidia</c>, <c>amd</c> or <c>aws</c>; empty without one.</param>
/// <param name="DiskGb">The local instance storage in GB; 0 for a type that only has EBS volumes.</param>
/// <remarks>
/// Its <see cref="CloudCatalogRow.Gpus"/> are the GPUs a job can ask for with <c>resources.gpu</c>: NVIDIA and AMD
/// GPUs. AWS's own chips (Inferentia2, Trainium) are not GPUs of any vendor dstack matches, so the list is empty for
/// them (see <see cref="AwsAccelerators"/>).
/// </remarks>
public sealed record AwsCatalogRow(
    string Instance,
    string Region,
    decimal Price,
    decimal SpotPrice,
    int Cpus,
    double MemoryGb,
    int GpuCount,
    string GpuName,
    double GpuMemoryGb,
    string GpuVendor,
    double DiskGb) : CloudCatalogRow(Instance, Region, Price, SpotPrice, Cpus, MemoryGb, [])
{
    /// <summary>True when its accelerators are AWS's own chips (vendor <c>aws</c>): Inferentia2 or Trainium.</summary>
    public bool AwsAccelerators => GpuCount > 0 && GpuVendor == "aws";
}
