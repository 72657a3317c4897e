using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Azure;

[Trait("Category", "Fast")]
public sealed class AzureCatalogTests
{
    private const string Head = "# date: 2026-12-04\n# source: a test\ninstance,location,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor,disk_gb\n";

    [Fact]
    public void Shipped_Loads_WithDateAndSource()
    {
        var catalog = AzureCatalog.Shipped;

        Assert.True(catalog.Rows.Count > 80);
        Assert.Equal(new DateOnly(2026, 12, 4), catalog.Date);
        Assert.Contains("VM size pages", catalog.Source, StringComparison.Ordinal);
        Assert.Contains("pricing page", catalog.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_AreWellFormed_AndUnique()
    {
        var rows = AzureCatalog.Shipped.Rows;

        Assert.All(rows, row =>
        {
            Assert.Matches("^Standard_[A-Za-z0-9_]+$", row.Size);
            Assert.Matches("^[a-z]+[0-9]?$", row.Region);
            Assert.True(row.SpotPrice < row.Price, $"{row.Size} {row.Region}: spot is not cheaper");
            Assert.True(row.Cpus >= 2 && row.MemoryGb >= 8);
        });
        Assert.Equal(rows.Count, rows.Select(r => (r.Size, r.Region)).Distinct().Count());
    }

    [Fact]
    public void Families_TheIssueNames_AreThere_WithKnownGpus()
    {
        var sizes = AzureCatalog.Shipped.Rows.Select(r => r.Size).ToHashSet();

        // NC (T4, V100), NCads A100 v4 and NCads H100 v5, ND (A100, H100), NV (A10).
        Assert.Contains("Standard_NC4as_T4_v3", sizes);
        Assert.Contains("Standard_NC6s_v3", sizes);
        Assert.Contains("Standard_NC24ads_A100_v4", sizes);
        Assert.Contains("Standard_NC40ads_H100_v5", sizes);
        Assert.Contains("Standard_ND96amsr_A100_v4", sizes);
        Assert.Contains("Standard_ND96isr_H100_v5", sizes);
        Assert.Contains("Standard_NV36ads_A10_v5", sizes);
        foreach (var gpu in AzureCatalog.Shipped.Rows.SelectMany(r => r.Gpus).Distinct())
        {
            var known = GpuCatalog.Find(gpu.Name);
            Assert.True(known is not null, $"{gpu.Name} is not a GPU dstack knows");
            Assert.Contains(gpu.Memory.Gigabytes, known!.MemoryOptions);
        }
    }

    [Theory]
    [InlineData("instance,location\n", "line 1: the header must be")]
    [InlineData("# source: x\ninstance,location,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor,disk_gb\n", "no `# date: YYYY-MM-DD` line")]
    [InlineData(Head + "Standard_X,eastus,1,0.5,4,16,0,,0,,0,extra\n", "line 4: a row has 11 fields")]
    [InlineData(Head + "Standard_X,eastus,one,0.5,4,16,0,,0,,0\n", "line 4: price must be a number, not `one`")]
    [InlineData(Head + "Standard_X,eastus,1,0.5,4,16,1,,0,,0\n", "line 4: a row with GPUs has gpu_name")]
    [InlineData(Head + "Standard_X,eastus,1,0.5,4,16,1,T4,16,amd,0\n", "line 4: a row with GPUs has gpu_name, gpu_memory_gb and gpu_vendor nvidia")]
    [InlineData(Head + "Standard_X,East US,1,0.5,4,16,0,,0,,0\n", "line 4: instance and location must be names without spaces")]
    [InlineData("# date: 4.12.2026\n", "line 1: the date must be YYYY-MM-DD")]
    public void Parse_BadFile_SaysTheLineAndTheRule(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => AzureCatalog.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>eastus prices the header says were confirmed on 2026-12-05 against a public table of GPU prices.</summary>
    [Theory]
    [InlineData("Standard_NC24ads_A100_v4", 3.673)]
    [InlineData("Standard_NC48ads_A100_v4", 9.554)]
    [InlineData("Standard_NC96ads_A100_v4", 19.108)]
    [InlineData("Standard_NC40ads_H100_v5", 6.98)]
    [InlineData("Standard_NC80adis_H100_v5", 17.64)]
    [InlineData("Standard_ND96isr_H100_v5", 98.32)]
    public void Shipped_ConfirmedPrices_AreTheSources(string size, double price)
    {
        var row = Assert.Single(AzureCatalog.Shipped.Rows, r => r.Size == size && r.Region == "eastus");

        Assert.Equal((decimal)price, row.Price);
    }
}
