using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class GpuCatalogTests
{
    // reference §4 examples (dstack's tests), then one name per vendor.
    [Theory]
    [InlineData("a40,l40", GpuVendor.Nvidia)]
    [InlineData("V3-64", GpuVendor.Google)]
    [InlineData("foo", null)]
    [InlineData("A1000,v4", null)]
    [InlineData("v3-64,foo", null)]
    [InlineData("MI300x,v3-64", null)]
    [InlineData("mi300x", GpuVendor.Amd)]
    [InlineData("A100", GpuVendor.Nvidia)]
    [InlineData("A10G,A100,H100", GpuVendor.Nvidia)]
    [InlineData("RTX4090", GpuVendor.Nvidia)]
    [InlineData("MI250X,MI300X", GpuVendor.Amd)]
    [InlineData("v5litepod-64", GpuVendor.Google)]
    [InlineData("v5p-1024,v6e-8", GpuVendor.Google)]
    [InlineData("v2-8", GpuVendor.Google)]
    [InlineData("A100,MI300X", null)]
    [InlineData("Gaudi2", null)]
    [InlineData("Gaudi,Gaudi3", null)]
    [InlineData("v4", null)]
    [InlineData("v7-8", null)]
    [InlineData("v3-", null)]
    public void InferVendor_Names_GivesTheSharedVendorOrNull(string names, GpuVendor? expected)
    {
        Assert.Equal(expected, GpuCatalog.InferVendor(names.Split(',')));
    }

    [Theory]
    [InlineData("A100", "A100", GpuVendor.Nvidia)]
    [InlineData("a100", "A100", GpuVendor.Nvidia)]
    [InlineData("h100nvl", "H100NVL", GpuVendor.Nvidia)]
    [InlineData("L40S", "L40S", GpuVendor.Nvidia)]
    [InlineData("RTX6000Ada", "RTX6000Ada", GpuVendor.Nvidia)]
    [InlineData("MI300X", "MI300X", GpuVendor.Amd)]
    [InlineData("Gaudi2", "Gaudi2", GpuVendor.Intel)]
    [InlineData("v3-64", "v3", GpuVendor.Google)]
    [InlineData("V5P-8", "v5p", GpuVendor.Google)]
    [InlineData("v5litepod-256", "v5litepod", GpuVendor.Google)]
    public void Find_KnownName_GivesTheModel(string name, string model, GpuVendor vendor)
    {
        var info = GpuCatalog.Find(name);

        Assert.NotNull(info);
        Assert.Equal(model, info.Name);
        Assert.Equal(vendor, info.Vendor);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("A1000")]
    [InlineData("v3")]
    [InlineData("v3-x")]
    [InlineData("tpu-v3-8")]
    [InlineData("")]
    public void Find_UnknownName_IsNull(string name)
    {
        Assert.Null(GpuCatalog.Find(name));
    }

    [Theory]
    [InlineData("A10 A16 A40 A100 A10G A4000 A4500 A5000 A6000 H100 H100NVL L4 L40 L40S P100 RTX3060 RTX3060Ti RTX3070Ti RTX3080 RTX3080Ti RTX3090 RTX4090 RTX6000 RTX2000Ada RTX4000Ada RTX6000Ada T4 V100", GpuVendor.Nvidia)]
    [InlineData("MI100 MI210 MI250 MI250X MI300A MI300X MI308X MI325X", GpuVendor.Amd)]
    [InlineData("Gaudi Gaudi2 Gaudi3", GpuVendor.Intel)]
    public void All_EveryGpuhuntName_IsKnownWithItsVendor(string names, GpuVendor vendor)
    {
        foreach (var name in names.Split(' '))
        {
            var info = GpuCatalog.Find(name);
            Assert.True(info is not null, $"{name} is missing from the catalog");
            Assert.Equal(vendor, info.Vendor);
        }
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v3")]
    [InlineData("v4")]
    [InlineData("v5p")]
    [InlineData("v5litepod")]
    [InlineData("v6e")]
    public void Find_EveryTpuVersionSlice_IsGoogle(string version)
    {
        Assert.Equal(GpuVendor.Google, GpuCatalog.Find(version + "-8")?.Vendor);
    }

    [Fact]
    public void All_NvidiaModels_HaveAComputeCapabilityAndOthersDoNot()
    {
        Assert.All(GpuCatalog.All, g => Assert.Equal(g.Vendor == GpuVendor.Nvidia, g.ComputeCapability is not null));
        Assert.Equal(new ComputeCapability(8, 0), GpuCatalog.Find("A100")!.ComputeCapability);
        Assert.Equal(new ComputeCapability(8, 9), GpuCatalog.Find("L40S")!.ComputeCapability);
    }

    [Fact]
    public void SpecNames_TpuVersions_AreWrittenAsSlices()
    {
        Assert.Contains("v5p-8", GpuCatalog.SpecNames);
        Assert.Contains("A100", GpuCatalog.SpecNames);
        Assert.DoesNotContain("v5p", GpuCatalog.SpecNames);
    }
}
