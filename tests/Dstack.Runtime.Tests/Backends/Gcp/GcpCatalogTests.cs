using Dstack.Runtime.Backends.Gcp;

namespace Dstack.Runtime.Tests.Backends.Gcp;

/// <summary>The shipped Compute Engine catalog: it reads, says when and where from, and holds the GPU families the issue names.</summary>
[Trait("Category", "Fast")]
public sealed class GcpCatalogTests
{
    private const string Head = "# date: 2026-12-04\n# source: a page\n#   and another\n" + GcpCatalog.Header + "\n";

    [Fact]
    public void Shipped_Reads_WithItsDateAndSource()
    {
        var catalog = GcpCatalog.Shipped;

        Assert.Equal(new DateOnly(2026, 12, 4), catalog.Date);
        Assert.Contains("Compute Engine pricing", catalog.Source, StringComparison.Ordinal);
        Assert.True(catalog.Rows.Count > 100);
    }

    [Theory]
    [InlineData("a3-highgpu-8g", "", "H100", 8, 80)]
    [InlineData("a2-highgpu-1g", "", "A100", 1, 40)]
    [InlineData("a2-ultragpu-8g", "", "A100", 8, 80)]
    [InlineData("g2-standard-4", "", "L4", 1, 24)]
    [InlineData("n1-standard-4", "nvidia-tesla-t4", "T4", 1, 16)]
    [InlineData("n1-standard-64", "nvidia-tesla-v100", "V100", 8, 16)]
    [InlineData("n1-standard-4", "nvidia-tesla-p4", "P4", 1, 8)]
    [InlineData("n1-standard-8", "nvidia-tesla-p100", "P100", 1, 16)]
    public void Shipped_HasTheGpuFamilies(string instance, string accelerator, string gpu, int count, double memory)
    {
        var row = Assert.Single(GcpCatalog.Shipped.Rows, r => r.Instance == instance && r.Accelerator == accelerator && r.Region == "us-central1" && r.Gpus.Count == count);

        Assert.All(row.Gpus, g => Assert.Equal((gpu, memory), (g.Name, g.Memory.Gigabytes)));
        Assert.True(row.SpotPrice < row.Price);
        Assert.All(row.Zones, z => Assert.StartsWith("us-central1-", z, StringComparison.Ordinal));
    }

    [Fact]
    public void Shipped_NoTpus_AndEveryRowHasZones()
    {
        Assert.DoesNotContain(GcpCatalog.Shipped.Rows, r => r.Instance.StartsWith("ct", StringComparison.Ordinal) || r.Accelerator.Contains("tpu", StringComparison.Ordinal));
        Assert.All(GcpCatalog.Shipped.Rows, r => Assert.NotEmpty(r.Zones));
        Assert.Contains(GcpCatalog.Shipped.Rows, r => r.Gpus.Count == 0);
    }

    [Theory]
    [InlineData("n1-standard-4,,us-central1,a,0.19,0.05,4,15,0,,0\n", "line 5: a row has 12 fields")]
    [InlineData("n1-standard-4,,us-central1,a;b,0.19,0.05,4,15,0,,0,\n", "zones must be zone letters joined by |")]
    [InlineData("n1-standard-4,,us-central1,a,cheap,0.05,4,15,0,,0,\n", "price must be dollars per hour")]
    [InlineData("n1-standard-4,nvidia-tesla-t4,us-central1,a,0.19,0.05,4,15,0,,0,\n", "no accelerator")]
    [InlineData("n1-standard-4,,us-central1,a,0.19,0.05,4,15,1,T4,16,\n", "a row with GPUs has gpu_name, gpu_memory_gb and gpu_vendor")]
    [InlineData("n1-standard-4,,us-central1,a,0.19,0.05,4,15,1,MI300X,192,amd\n", "gpu_vendor must be nvidia, not `amd`")]
    [InlineData("n1-standard-4,,us-central1,a,0,0.05,4,15,0,,0,\n", "must be above 0")]
    public void Parse_BadRow_NamesTheLineAndTheRule(string row, string message)
    {
        var error = Assert.Throws<FormatException>(() => GcpCatalog.Parse(Head + row));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoDate_OrNoHeader_Fails()
    {
        Assert.Contains("# date:", Assert.Throws<FormatException>(() => GcpCatalog.Parse("# source: x\n" + GcpCatalog.Header + "\n")).Message, StringComparison.Ordinal);
        Assert.Contains("header", Assert.Throws<FormatException>(() => GcpCatalog.Parse("# date: 2026-12-04\n# source: x\n")).Message, StringComparison.Ordinal);
        Assert.Equal("a page and another", GcpCatalog.Parse(Head).Source);
    }

    /// <summary>Prices the header says were confirmed against the public copy of Google's billing catalog on 2026-12-05.</summary>
    [Theory]
    [InlineData("a3-highgpu-8g", "us-central1", 88.49)]
    [InlineData("a2-highgpu-1g", "us-west1", 3.673385)]
    [InlineData("a2-megagpu-16g", "us-east1", 55.739504)]
    [InlineData("a2-ultragpu-8g", "us-central1", 40.550383)]
    [InlineData("g2-standard-4", "us-central1", 0.706832)]
    [InlineData("g2-standard-96", "us-central1", 8.00333)]
    [InlineData("a3-highgpu-8g", "europe-west4", 112.540479)]
    [InlineData("e2-standard-4", "us-central1", 0.134023)]
    public void Shipped_ConfirmedPrices_AreTheSources(string instance, string region, double price)
    {
        var row = Assert.Single(GcpCatalog.Shipped.Rows, r => r.Instance == instance && r.Region == region && r.Accelerator.Length == 0);

        Assert.Equal((decimal)price, row.Price);
        Assert.Contains("checked on 2026-12-05", ShippedHeader(), StringComparison.Ordinal);
    }

    private static string ShippedHeader() =>
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Dstack.Runtime", "Backends", "Gcp", "Catalog", "gce-catalog.csv"));
}
