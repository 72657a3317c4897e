using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// The Compute Engine offer catalog shipped with the tool (<c>Catalog/gce-catalog.csv</c>, embedded in this assembly):
/// machine types with their GPUs per region, when its facts were taken, and where from. Read once, on first use; a file
/// that cannot be read is a bug of the build (a test reads it), so reading it never fails quietly. The file's shape is
/// every cloud's (<see cref="CloudCatalogReader"/>); the columns (an attached accelerator, the zones) are Compute Engine's.
/// </summary>
public static class GcpCatalog
{
    /// <summary>The columns of the file, in order.</summary>
    public const string Header = "instance,accelerator,location,zones,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor";

    private static readonly Lazy<CloudCatalog<GcpCatalogRow>> ShippedCatalog =
        new(() => CloudCatalogReader.ReadShipped(typeof(GcpCatalog), "gce-catalog.csv", Header, ReadRow));

    /// <summary>The catalog shipped with the tool.</summary>
    public static CloudCatalog<GcpCatalogRow> Shipped => ShippedCatalog.Value;

    /// <summary>Reads a catalog file: <c>#</c> comment lines (with <c># date:</c> and <c># source:</c>), the header, then rows.</summary>
    /// <exception cref="FormatException">A line is not a well-formed row, the header is not <see cref="Header"/>, or the date or source is missing.</exception>
    public static CloudCatalog<GcpCatalogRow> Parse(string text) => CloudCatalogReader.Read(text, Header, ReadRow);

    private static GcpCatalogRow ReadRow(CloudCatalogLine line)
    {
        var instance = line.Name("instance");
        var accelerator = line.Text("accelerator");
        var region = line.Name("location");
        var zones = line.Text("zones").Split('|');
        if (zones.Any(z => z.Length != 1 || z[0] is < 'a' or > 'z'))
        {
            throw line.Fail("zones must be zone letters joined by |, such as a|b|c");
        }

        var price = line.Money("price");
        var spot = line.Money("spot_price");
        var cpus = line.Count("cpu");
        var memory = line.Size("memory_gb");
        var gpuCount = line.Count("gpu_count");
        var gpuName = line.Text("gpu_name");
        var gpuMemory = line.Size("gpu_memory_gb");
        var vendor = line.Text("gpu_vendor");
        line.RequireAboveZero(cpus, memory, price, spot);
        if ((gpuCount > 0) != (gpuName.Length > 0) || (gpuCount > 0) != (vendor.Length > 0) || (gpuCount > 0) != (gpuMemory > 0) || (accelerator.Length > 0 && gpuCount == 0))
        {
            throw line.Fail("a row with GPUs has gpu_name, gpu_memory_gb and gpu_vendor; one without has none, and no accelerator");
        }

        if (gpuCount > 0 && vendor != "nvidia")
        {
            throw line.Fail($"gpu_vendor must be nvidia, not `{vendor}` (Compute Engine's GPUs are NVIDIA's)");
        }

        var gpus = gpuCount == 0 ? [] : CloudCatalogRow.GpusOf(gpuCount, gpuName, GpuVendor.Nvidia, gpuMemory);
        return new GcpCatalogRow(instance, accelerator, region, [.. zones.Select(z => $"{region}-{z}")], price, spot, cpus, memory, gpus);
    }
}
