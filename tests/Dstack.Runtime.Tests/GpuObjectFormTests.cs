using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests;

/// <summary>The object form of <c>resources.gpu</c> takes what dstack 0.18 takes: a name string, and vendor <c>tpu</c> in any case.</summary>
[Trait("Category", "Fast")]
public sealed class GpuObjectFormTests
{
    [Theory]
    [InlineData("{name: A100}", new[] { "A100" })]
    [InlineData("{name: [A100, H100]}", new[] { "A100", "H100" })]
    [InlineData("{name: tpu-v3-8}", new[] { "v3-8" })]
    public void Load_GpuName_IsAList(string gpu, string[] expected)
    {
        var gpuSpec = GpuOf(gpu);

        Assert.Equal(expected, gpuSpec.Name);
    }

    [Theory]
    [InlineData("tpu", GpuVendor.Google)]
    [InlineData("TPU", GpuVendor.Google)]
    [InlineData("google", GpuVendor.Google)]
    [InlineData("NVIDIA", GpuVendor.Nvidia)]
    [InlineData("Amd", GpuVendor.Amd)]
    [InlineData("intel", GpuVendor.Intel)]
    public void Load_GpuVendor_IsCaseInsensitiveAndTpuIsGoogle(string vendor, GpuVendor expected)
    {
        var gpuSpec = GpuOf($"{{vendor: {vendor}}}", image: true);

        Assert.Equal(expected, gpuSpec.Vendor);
    }

    [Fact]
    public void Load_UnknownGpuVendor_IsAnError()
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: {vendor: foo}\n");

        var error = Assert.Single(document.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.InvalidGpuVendor, error.Code);
        Assert.Contains("'foo' is not a valid AcceleratorVendor", error.Message, StringComparison.Ordinal);
        Assert.Contains("nvidia, amd, google (or tpu) or intel", error.Message, StringComparison.Ordinal);
    }

    private static GpuSpec GpuOf(string gpu, bool image = false)
    {
        var text = $"type: task\n{(image ? "image: ubuntu\n" : string.Empty)}commands:\n  - echo hi\nresources:\n  gpu: {gpu}\n";
        var document = ConfigurationLoader.LoadText("a.dstack.yml", text);
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return document.RunConfiguration!.Resources.Gpu!;
    }
}
