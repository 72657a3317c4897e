using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Planning;

[Trait("Category", "Fast")]
public sealed class HardwareReportTests
{
    [Fact]
    public void NvidiaGpus_NvidiaSmiCsv_GivesCatalogNamesMemoryAndCapability()
    {
        const string csv = "NVIDIA A100-SXM4-80GB, 81920, 8.0\nNVIDIA GeForce RTX 4090, 24564, 8.9\nNVIDIA H200, 143771, 9.0\nNVIDIA L40S, 46068, 8.9\n";

        var gpus = HardwareReport.NvidiaGpus(csv);

        Assert.Equal(["A100", "RTX4090", "H200", "L40S"], gpus.Select(g => g.Name));
        Assert.Equal([80.0, 24, 140, 45], gpus.Select(g => g.Memory.Gigabytes));
        Assert.Equal(new ComputeCapability(8, 9), gpus[1].ComputeCapability);
        Assert.All(gpus, g => Assert.Equal(GpuVendor.Nvidia, g.Vendor));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage line\n, ,\n")]
    public void NvidiaGpus_NoOrBrokenOutput_GivesNoGpus(string? csv) => Assert.Empty(HardwareReport.NvidiaGpus(csv));
}
