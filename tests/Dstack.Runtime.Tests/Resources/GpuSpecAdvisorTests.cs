using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class GpuSpecAdvisorTests
{
    [Theory]
    [InlineData("A100")]
    [InlineData("A100:80GB:2")]
    [InlineData("24GB..40GB:2")]
    [InlineData("nvidia")]
    [InlineData("tpu:v5p-8")]
    [InlineData("MI300X:192GB")]
    [InlineData("H100:80GB:8")]
    [InlineData("a100,h100:40GB..80GB")]
    [InlineData("0")]
    [InlineData("amd")]
    public void Check_SatisfiableSpec_HasNoWarnings(string text)
    {
        Assert.Empty(GpuSpecAdvisor.Check(GpuSpecParser.Parse(text)));
    }

    [Theory]
    [InlineData("A1000", "A100")]
    [InlineData("RTX4900", "RTX4090")]
    [InlineData("RTX409", "RTX4090")]
    [InlineData("H100X", "H100")]
    [InlineData("MI325", "MI325X")]
    public void Check_MisspeltName_WarnsWithDidYouMean(string name, string guess)
    {
        var warning = Assert.Single(GpuSpecAdvisor.Check(GpuSpecParser.Parse(name)));

        Assert.Equal(DiagnosticCodes.UnknownGpuName, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains($"unknown GPU name `{name}`", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean {guess}?", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NameFarFromAnyKnown_ListsKnownNames()
    {
        var warning = Assert.Single(GpuSpecAdvisor.Check(GpuSpecParser.Parse("Quadro")));

        Assert.Equal(DiagnosticCodes.UnknownGpuName, warning.Code);
        Assert.Contains("known names include", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A100:200GB", "200GB")]
    [InlineData("T4:24GB", "T4 has 16GB")]
    [InlineData("500GB", "the largest known GPU")]
    [InlineData("amd:A100", "is not made by amd")]
    [InlineData("A100,H100:amd", "are not made by amd")]
    public void Check_UnsatisfiableSpec_WarnsWhy(string text, string why)
    {
        var warning = Assert.Single(GpuSpecAdvisor.Check(GpuSpecParser.Parse(text)));

        Assert.Equal(DiagnosticCodes.UnsatisfiableGpu, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains(why, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ComputeCapabilityAboveTheModel_Warns()
    {
        var spec = GpuSpecParser.Parse("T4") with { ComputeCapability = new ComputeCapability(8, 0) };

        var warning = Assert.Single(GpuSpecAdvisor.Check(spec));

        Assert.Equal(DiagnosticCodes.UnsatisfiableGpu, warning.Code);
        Assert.Contains("compute capability 8.0", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TotalMemoryOutOfReach_Warns()
    {
        var spec = GpuSpecParser.Parse("T4:1..2") with { TotalMemory = RangeParser.ParseMemory("100GB..") };

        var warning = Assert.Single(GpuSpecAdvisor.Check(spec));

        Assert.Equal(DiagnosticCodes.UnsatisfiableGpu, warning.Code);
        Assert.Contains("in total", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TotalMemoryReachableWithMoreGpus_HasNoWarnings()
    {
        var spec = GpuSpecParser.Parse("A100:80GB:2..8") with { TotalMemory = RangeParser.ParseMemory("640GB") };

        Assert.Empty(GpuSpecAdvisor.Check(spec));
    }
}
