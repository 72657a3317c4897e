using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Aws;

/// <summary>
/// The GPU count of AWS offers as dstack 0.18 filters cloud offers (reference §1.4, §3): <c>gpu: A100</c> is exactly
/// one A100, so an 8xA100 p4d is not offered for it; a range admits every count in it; AWS's own chips (Inferentia2,
/// Trainium) are matched only by a spec that names them, never by a count or memory alone. The machines jobs share
/// (this machine, pool hosts) keep the count as a least.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AwsGpuCountTests
{
    private static IReadOnlyList<AwsCatalogRow> Rows => AwsCatalog.Shipped.Rows;

    [Fact]
    public void A100_IsExactlyOne_SoNoP4dIsOffered_AndTheReasonSaysWhatToAsk()
    {
        var candidates = AwsOffers.For(Rows, Of("gpu: A100"), null);
        var p4dOnly = AwsOffers.For(Rows, Of("gpu: A100") with { InstanceTypes = ["p4d.24xlarge"] }, ["us-east-1"]);

        Assert.DoesNotContain(candidates, c => c.Fits);
        var p4d = p4dOnly.First(c => c.Offer.Instance == "p4d.24xlarge");
        Assert.Contains("gpu: needs 1xA100, the machine has 8xA100 (40GB), and all 8 go to the job; ask for 8 (or a range such as 1..8)", p4d.Unmet);
    }

    [Fact]
    public void A100_TheNearestMissShownFirst_IsTheMachineWithA100s_NotTheCheapestWithoutAGpu()
    {
        var leftOut = AwsOffers.For(Rows, Of("gpu: A100"), null).Where(c => !c.Fits).ToList();

        Assert.Equal("p4d.24xlarge", leftOut[0].Offer.Instance);
        Assert.Contains("ask for 8", Assert.Single(leftOut[0].Unmet), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu: A100:8", new[] { "p4d.24xlarge", "p4de.24xlarge" })]
    [InlineData("gpu: A100:1..8", new[] { "p4d.24xlarge", "p4de.24xlarge" })]
    [InlineData("gpu: A10G", new[] { "g5.16xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.xlarge" })]
    [InlineData("gpu: A10G:4", new[] { "g5.12xlarge", "g5.24xlarge" })]
    [InlineData("gpu: A10G:2..", new[] { "g5.12xlarge", "g5.24xlarge", "g5.48xlarge" })]
    [InlineData("gpu: Inferentia2", new[] { "inf2.8xlarge", "inf2.xlarge" })]
    [InlineData("gpu: inferentia2:6", new[] { "inf2.24xlarge" })]
    [InlineData("gpu: Trainium:16", new[] { "trn1.32xlarge" })]
    [InlineData("gpu: Trainium:1..", new[] { "trn1.2xlarge", "trn1.32xlarge" })]
    public void Count_IsTheInstancesWholeCount_WithinTheSpecsRange(string resources, string[] expected)
    {
        var instances = AwsOffers.For(Rows, Of(resources), ["us-east-1"]).Where(c => c.Fits).Select(c => c.Offer.Instance).ToHashSet();

        Assert.Equal(expected, instances.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("gpu: 1")]
    [InlineData("gpu: 1..")]
    [InlineData("gpu: 32GB")]
    [InlineData("gpu: 16GB..")]
    [InlineData("gpu: nvidia:1..")]
    [InlineData("gpu: 2..16")]
    public void AwsChips_AreNeverOfferedForASpecThatDoesNotNameThem(string resources)
    {
        var candidates = AwsOffers.For(Rows, Of(resources), null);

        Assert.DoesNotContain(candidates, c => c.Fits && (c.Offer.Instance.StartsWith("inf2.", StringComparison.Ordinal) || c.Offer.Instance.StartsWith("trn1.", StringComparison.Ordinal)));
    }

    [Fact]
    public void AwsChips_NotNamed_SayWhichSpecMatchesThem()
    {
        var inf2 = AwsOffers.For(Rows, Of("gpu: 1") with { InstanceTypes = ["inf2.xlarge"] }, ["us-east-1"]).First(c => c.Offer.Instance == "inf2.xlarge");

        Assert.Contains("gpu: needs 1xGPU, the machine has 1xInferentia2 (32GB), AWS's own chips, which only a spec naming them matches (gpu: Inferentia2)", inf2.Unmet);
    }

    [Fact]
    public void NoGpuSpec_OffersGpuAndCpuMachines_AndGpuZero_OnlyThoseWithout()
    {
        var any = AwsOffers.For(Rows, new Requirements(), ["us-east-1"]).Where(c => c.Fits).Select(c => c.Offer).ToList();
        var none = AwsOffers.For(Rows, Of("gpu: 0"), ["us-east-1"]).Where(c => c.Fits).Select(c => c.Offer).ToList();

        Assert.Contains(any, o => o.Resources.Gpus.Count > 0);
        Assert.Contains(any, o => o.Resources.Gpus.Count == 0);
        Assert.NotEmpty(none);
        Assert.All(none, o => Assert.Empty(o.Resources.Gpus));
    }

    [Fact]
    public void SharedMachines_KeepTheCountAsALeast()
    {
        var eight = new MachineResources(96, new Memory(1152), new Memory(1000), [.. Enumerable.Repeat(new MachineGpu("A100", GpuVendor.Nvidia, new Memory(40)), 8)]);
        var spec = new ResourcesSpec { Gpu = GpuSpecParser.Parse("A100") };

        Assert.Empty(ResourceMatcher.Unmet(spec, eight));
        Assert.Single(ResourceMatcher.Allocate(spec.Gpu, eight.Gpus));
        Assert.Single(ResourceMatcher.Unmet(spec, eight, wholeMachine: true));
    }

    private static Requirements Of(string resources)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return new Requirements { Resources = document.RunConfiguration!.Resources };
    }
}
