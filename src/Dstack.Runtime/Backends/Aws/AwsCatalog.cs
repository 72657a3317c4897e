using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// The EC2 offer catalog shipped with the tool (<c>Catalog/ec2-catalog.csv</c>, embedded in this assembly): every
/// instance type and region it lists, when its facts were taken, and where from. The shipped file is read once, on
/// first use; a file that cannot be read is a bug of the build (a test reads it), so reading it never fails quietly.
/// The file's shape is every cloud's (<see cref="CloudCatalogReader"/>); the columns and their rules are EC2's.
/// </summary>
public static class AwsCatalog
{
    /// <summary>The columns of the file, in order (modelled on gpuhunt's catalog).</summary>
    public const string Header = "instance,location,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor,disk_gb";

    private static readonly Lazy<CloudCatalog<AwsCatalogRow>> ShippedCatalog =
        new(() => CloudCatalogReader.ReadShipped(typeof(AwsCatalog), "ec2-catalog.csv", Header, ReadRow));

    /// <summary>The catalog shipped with the tool.</summary>
    public static CloudCatalog<AwsCatalogRow> Shipped => ShippedCatalog.Value;

    /// <summary>Reads a catalog file: <c>#</c> comment lines (with <c># date:</c> and <c># source:</c>), the header, then rows.</summary>
    /// <exception cref="FormatException">A line is not a well-formed row, the header is not <see cref="Header"/>, or the date or source is missing.</exception>
    public static CloudCatalog<AwsCatalogRow> Parse(string text) => CloudCatalogReader.Read(text, Header, ReadRow);

    private static AwsCatalogRow ReadRow(CloudCatalogLine line)
    {
        var instance = line.Name("instance");
        var region = line.Name("location");
        var price = line.Money("price");
        var spot = line.Money("spot_price");
        var cpus = line.Count("cpu");
        var memory = line.Size("memory_gb");
        var gpuCount = line.Count("gpu_count");
        var gpuName = line.IsEmpty("gpu_name") ? string.Empty : line.Name("gpu_name");
        var gpuMemory = line.Size("gpu_memory_gb");
        var vendor = line.IsEmpty("gpu_vendor") ? string.Empty : line.Name("gpu_vendor");
        var disk = line.Size("disk_gb");
        line.RequireAboveZero(cpus, memory, price, spot);
        if ((gpuCount > 0) != (gpuName.Length > 0) || (gpuCount > 0) != (vendor.Length > 0) || (gpuCount > 0) != (gpuMemory > 0))
        {
            throw line.Fail("a row with accelerators has gpu_name, gpu_memory_gb and gpu_vendor; one without has none");
        }

        var row = new AwsCatalogRow(instance, region, price, spot, cpus, memory, gpuCount, gpuName, gpuMemory, vendor, disk);
        if (gpuCount == 0 || row.AwsAccelerators)
        {
            return row;
        }

        GpuVendor gpuVendor = vendor switch
        {
            "nvidia" => GpuVendor.Nvidia,
            "amd" => GpuVendor.Amd,
            _ => throw line.Fail($"gpu_vendor must be nvidia, amd or aws, not `{vendor}`"),
        };
        return row with { Gpus = CloudCatalogRow.GpusOf(gpuCount, gpuName, gpuVendor, gpuMemory) };
    }
}
