using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The Azure VM size catalog shipped with the tool (<c>Catalog/azure-catalog.csv</c>, embedded in this assembly): the
/// sizes with GPUs (and a few without) per region, when its facts were taken, and where from. Read once, on first use;
/// a file that cannot be read is a bug of the build (a test reads it), so reading it never fails quietly. The file's
/// shape is every cloud's (<see cref="CloudCatalogReader"/>); its columns are the EC2 catalog's.
/// </summary>
public static class AzureCatalog
{
    /// <summary>The columns of the file, in order (the EC2 catalog's).</summary>
    public const string Header = "instance,location,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor,disk_gb";

    private static readonly Lazy<CloudCatalog<AzureCatalogRow>> ShippedCatalog =
        new(() => CloudCatalogReader.ReadShipped(typeof(AzureCatalog), "azure-catalog.csv", Header, ReadRow));

    /// <summary>The catalog shipped with the tool.</summary>
    public static CloudCatalog<AzureCatalogRow> Shipped => ShippedCatalog.Value;

    /// <summary>Reads a catalog file: <c>#</c> comment lines (with <c># date:</c> and <c># source:</c>), the header, then rows.</summary>
    /// <exception cref="FormatException">A row is malformed, the header is not <see cref="Header"/>, or the date or source is missing.</exception>
    public static CloudCatalog<AzureCatalogRow> Parse(string text) => CloudCatalogReader.Read(text, Header, ReadRow);

    private static AzureCatalogRow ReadRow(CloudCatalogLine line)
    {
        var size = line.Text("instance");
        var region = line.Text("location");
        if (size.Length == 0 || region.Length == 0 || size.Contains(' ', StringComparison.Ordinal) || region.Contains(' ', StringComparison.Ordinal))
        {
            throw line.Fail("instance and location must be names without spaces");
        }

        var price = line.Number<decimal>("price");
        var spot = line.Number<decimal>("spot_price");
        var cpus = line.Number<int>("cpu");
        var memory = line.Number<double>("memory_gb");
        var gpuCount = line.Number<int>("gpu_count");
        var gpuName = line.Text("gpu_name");
        var gpuMemory = line.Number<double>("gpu_memory_gb");
        var vendor = line.Text("gpu_vendor");
        var disk = line.Number<double>("disk_gb");
        line.RequireAboveZero(cpus, memory, price, spot);
        if ((gpuCount > 0) != (gpuName.Length > 0) || (gpuCount > 0) != (gpuMemory > 0) || (gpuCount > 0) != (vendor == "nvidia") || (gpuCount == 0 && vendor.Length > 0))
        {
            throw line.Fail("a row with GPUs has gpu_name, gpu_memory_gb and gpu_vendor nvidia; one without has none");
        }

        return new AzureCatalogRow(size, region, price, spot, cpus, memory, CloudCatalogRow.GpusOf(gpuCount, gpuName, GpuVendor.Nvidia, gpuMemory), disk);
    }
}
