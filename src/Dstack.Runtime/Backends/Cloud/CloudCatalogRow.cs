using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Cloud;

/// <summary>
/// What every cloud's catalog says of one machine type in one region: its prices and what one machine has. Each cloud's
/// row (<c>AwsCatalogRow</c>, <c>GcpCatalogRow</c>, <c>AzureCatalogRow</c>) derives from it with its own columns, and
/// <see cref="CloudOfferFilter"/> turns any of them into offers.
/// </summary>
/// <param name="Instance">The machine type as the cloud names it (<c>g5.xlarge</c>, <c>a2-highgpu-1g</c>, <c>Standard_NC24ads_A100_v4</c>).</param>
/// <param name="Region">The region (<c>us-east-1</c>, <c>us-central1</c>, <c>eastus</c>).</param>
/// <param name="Price">The on-demand price, dollars per hour; 0 when there is no on-demand offer.</param>
/// <param name="SpotPrice">A spot price, dollars per hour (typical, or live where a cloud's live answers replaced it); 0 when there is no spot offer.</param>
/// <param name="Cpus">The vCPUs.</param>
/// <param name="MemoryGb">The RAM in GB (the clouds' GiB, which are dstack's GB).</param>
/// <param name="Gpus">The GPUs a job can ask for with <c>resources.gpu</c>, all alike; empty without any.</param>
public abstract record CloudCatalogRow(
    string Instance,
    string Region,
    decimal Price,
    decimal SpotPrice,
    int Cpus,
    double MemoryGb,
    IReadOnlyList<MachineGpu> Gpus)
{
    /// <summary><paramref name="count"/> GPUs of one model, with the compute capability dstack's GPU table knows for it.</summary>
    public static MachineGpu[] GpusOf(int count, string name, GpuVendor vendor, double memoryGb)
    {
        var gpu = new MachineGpu(name, vendor, new Memory(memoryGb), GpuCatalog.Find(name)?.ComputeCapability);
        var gpus = new MachineGpu[count];
        Array.Fill(gpus, gpu);
        return gpus;
    }
}
