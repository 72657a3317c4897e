using Dstack.Runtime.Configuration;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Planning;

[Trait("Category", "Fast")]
public sealed class ResourceMatcherTests
{
    private static readonly MachineResources Laptop = new(8, new Memory(16), new Memory(50), []);

    private static readonly MachineResources GpuBox = new(
        32,
        new Memory(256),
        new Memory(2000),
        [new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80), new ComputeCapability(8, 0)), new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80), new ComputeCapability(8, 0))]);

    [Theory]
    [InlineData("cpu: 4..", true)]
    [InlineData("cpu: 16..", false)]
    [InlineData("cpu: 2..4", false)]
    [InlineData("memory: 16GB", true)]
    [InlineData("memory: 32GB..", false)]
    [InlineData("disk: 40GB..", true)]
    [InlineData("disk: 100GB..", false)]
    [InlineData("gpu: 1", false)]
    [InlineData("gpu: 0", true)]
    public void Unmet_Laptop_MatchesWhatWasWritten(string resources, bool fits)
    {
        Assert.Equal(fits, ResourceMatcher.Unmet(Spec(resources), Laptop, enforceDefaults: false).Count == 0);
    }

    [Fact]
    public void Unmet_LocalMachine_IgnoresCloudDefaultsButNotWrittenValues()
    {
        var small = new MachineResources(1, new Memory(2), new Memory(10), []);

        Assert.Empty(ResourceMatcher.Unmet(new ResourcesSpec(), small, enforceDefaults: false));
        Assert.Equal(3, ResourceMatcher.Unmet(new ResourcesSpec(), small, enforceDefaults: true).Count);
    }

    [Fact]
    public void Unmet_SeveralProblems_NamesEachWithWhatTheMachineHas()
    {
        var unmet = ResourceMatcher.Unmet(Spec("cpu: 64..\n  memory: 512GB..\n  gpu: H100:8"), GpuBox);

        Assert.Equal(3, unmet.Count);
        Assert.Contains("cpu: needs 64.. CPUs, the machine has 32", unmet);
        Assert.Contains("memory: needs 512GB.., the machine has 256GB", unmet);
        Assert.Contains("gpu: needs 8xH100, the machine has 2xA100 (80GB)", unmet);
    }

    [Theory]
    [InlineData("A100:80GB:2", true)]
    [InlineData("a100:1..", true)]
    [InlineData("A100:3", false)]
    [InlineData("A100:40GB", false)]
    [InlineData("intel:1", false)]
    [InlineData("nvidia:70GB..:2", true)]
    [InlineData("{name: A100, compute_capability: 9.0}", false)]
    [InlineData("{name: A100, total_memory: 160GB, count: 2}", true)]
    [InlineData("{name: A100, total_memory: 200GB.., count: 1..2}", false)]
    public void Unmet_GpuBox_MatchesGpuSpec(string gpu, bool fits)
    {
        Assert.Equal(fits, ResourceMatcher.Unmet(Spec($"gpu: {gpu}"), GpuBox).Count == 0);
    }

    [Fact]
    public void Allocate_RangeOfCounts_GivesAsManyAsTheSpecAllows()
    {
        Assert.Single(ResourceMatcher.Allocate(Spec("gpu: A100:1").Gpu, GpuBox.Gpus));
        Assert.Equal(2, ResourceMatcher.Allocate(Spec("gpu: A100:1..").Gpu, GpuBox.Gpus).Count);
        Assert.Empty(ResourceMatcher.Allocate(Spec("gpu: 0").Gpu, GpuBox.Gpus));
        Assert.Empty(ResourceMatcher.Allocate(null, GpuBox.Gpus));
    }

    private static ResourcesSpec Spec(string resources)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return document.RunConfiguration!.Resources;
    }
}
