using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Aws;

[Trait("Category", "Fast")]
public sealed class AwsOffersTests
{
    private static IReadOnlyList<AwsCatalogRow> Rows => AwsCatalog.Shipped.Rows;

    [Fact]
    public void A100With80GB_FindsP4deNotP4d()
    {
        var offers = Fitting(Of("gpu: A100:80GB:8"));

        Assert.NotEmpty(offers);
        Assert.All(offers, o => Assert.Equal("p4de.24xlarge", o.Instance));
        Assert.All(offers, o => Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], o.Gpus));
    }

    [Fact]
    public void A100_FindsBothP4Types()
    {
        var instances = Fitting(Of("gpu: A100:8")).Select(o => o.Instance).ToHashSet();

        Assert.Equal(["p4d.24xlarge", "p4de.24xlarge"], instances.Order());
    }

    [Fact]
    public void AtLeast24GB_FindsG5NotG4dn()
    {
        var instances = Fitting(Of("gpu: 24GB..")).Select(o => o.Instance).ToHashSet();

        Assert.Contains("g5.xlarge", instances);
        Assert.DoesNotContain(instances, i => i.StartsWith("g4dn.", StringComparison.Ordinal));
    }

    [Fact]
    public void SpotPolicy_PicksTheMarket()
    {
        Assert.All(Fitting(Of("gpu: L4")), o => Assert.False(o.Spot));
        Assert.All(Fitting(Of("gpu: L4") with { SpotPolicy = SpotPolicy.OnDemand }), o => Assert.False(o.Spot));
        Assert.All(Fitting(Of("gpu: L4") with { SpotPolicy = SpotPolicy.Spot }), o => Assert.True(o.Spot));

        var auto = Fitting(Of("gpu: L4") with { SpotPolicy = SpotPolicy.Auto });
        Assert.Contains(auto, o => o.Spot);
        Assert.Contains(auto, o => !o.Spot);
        Assert.All(auto, o => Assert.Equal(o.Spot ? "spot" : "on-demand", o.Data[AwsOffers.MarketKey]));
        Assert.All(auto, o => Assert.Equal(o.Instance, o.Data[AwsOffers.InstanceTypeKey]));
    }

    [Fact]
    public void MaxPrice_LeavesOutDearerOffers_WithTheReason()
    {
        var candidates = AwsOffers.For(Rows, Of("gpu: A10G") with { MaxPrice = 1.5 }, null);

        Assert.All(candidates.Where(c => c.Fits), c => Assert.True(c.Offer.PricePerHour <= 1.5m));
        Assert.Equal(["g5.2xlarge", "g5.xlarge"], candidates.Where(c => c.Fits).Select(c => c.Offer.Instance).Distinct().Order());
        Assert.Contains(candidates, c => c.Unmet is [var only] && only.StartsWith("max_price: $1.624/hour is over $1.5", StringComparison.Ordinal));
    }

    [Fact]
    public void Regions_OfTheRunAndOfTheConfig_BothFilter()
    {
        var run = Fitting(Of("gpu: T4") with { Regions = ["eu-west-1", "us-east-1"] });
        Assert.Equal(["eu-west-1", "us-east-1"], run.Select(o => o.Region).Distinct().Order());

        var config = AwsOffers.For(Rows, Of("gpu: T4"), ["us-east-1"]);
        Assert.All(config.Where(c => c.Fits), c => Assert.Equal("us-east-1", c.Offer.Region));
        Assert.Contains(config, c => c.Unmet.Any(u => u.Contains("not among the aws backend's regions", StringComparison.Ordinal)));

        Assert.Empty(Fitting(Of("gpu: T4") with { Regions = ["eu-west-1"] }, ["us-east-1"]));
    }

    [Fact]
    public void InstanceTypes_Filter()
    {
        var offers = Fitting(new Requirements { InstanceTypes = ["M5.XLARGE", "g4dn.xlarge"] });

        Assert.Equal(["g4dn.xlarge", "m5.xlarge"], offers.Select(o => o.Instance).Distinct().Order());
    }

    [Fact]
    public void Defaults_KeepSmallMachinesOut()
    {
        var candidates = AwsOffers.For(Rows, new Requirements(), null);
        var offers = candidates.Where(c => c.Fits).Select(c => c.Offer).ToList();

        Assert.DoesNotContain(offers, o => o.Instance is "t3.micro" or "t3.small" or "t3.medium" or "c5.large");
        Assert.Contains(offers, o => o.Instance == "t3.large");
        Assert.Equal("t3.large", offers[0].Instance);
        Assert.All(offers, o => Assert.Equal(100, o.Resources.Disk.Gigabytes));
    }

    [Fact]
    public void Disk_IsTheRootVolumeAsked_UpToEbsLimit()
    {
        var big = Fitting(new Requirements { Resources = new ResourcesSpec { Disk = new DiskSpec { Size = Range<Memory>.AtLeast(new Memory(500)) } } });
        Assert.All(big, o => Assert.Equal(500, o.Resources.Disk.Gigabytes));
        Assert.Contains(big, o => o.Instance == "m5.large");

        var huge = AwsOffers.For(Rows, new Requirements { Resources = new ResourcesSpec { Disk = new DiskSpec { Size = Range<Memory>.AtLeast(new Memory(20000)) } } }, null);
        Assert.DoesNotContain(huge, c => c.Fits);
        Assert.Contains(huge, c => c.Unmet.Any(u => u.StartsWith("disk: needs 20000GB..", StringComparison.Ordinal)));
    }

    [Fact]
    public void Offers_AreCheapestFirst_ThenAtMost20LeftOut()
    {
        var candidates = AwsOffers.For(Rows, Of("gpu: 1..") with { SpotPolicy = SpotPolicy.Auto }, null);
        var fits = candidates.TakeWhile(c => c.Fits).ToList();
        var leftOut = candidates.Skip(fits.Count).ToList();

        Assert.Equal(fits.Select(c => c.Offer.PricePerHour).Order(), fits.Select(c => c.Offer.PricePerHour));
        Assert.All(leftOut, c => Assert.False(c.Fits));
        Assert.Equal(AwsOffers.LeftOutKept, leftOut.Count);
        Assert.All(fits, c => Assert.Equal("aws", c.Offer.Backend));
        Assert.DoesNotContain(fits, c => c.Offer.Instance.StartsWith("inf2.", StringComparison.Ordinal));
    }

    [Fact]
    public void AwsAccelerators_AreNoGpus_ButTheOfferSaysSo()
    {
        var inf2 = Fitting(new Requirements { InstanceTypes = ["inf2.xlarge"] });

        Assert.NotEmpty(inf2);
        Assert.All(inf2, o => Assert.Empty(o.Gpus));
        Assert.All(inf2, o => Assert.Equal("1xInferentia2 (32GB)", o.Data[AwsOffers.AcceleratorsKey]));
    }

    [Fact]
    public void NoOffer_KeepsTheNearestMisses()
    {
        var candidates = AwsOffers.For(Rows, Of("gpu: H100:8") with { MaxPrice = 10 }, null);

        Assert.DoesNotContain(candidates, c => c.Fits);
        Assert.Equal(AwsOffers.LeftOutKept, candidates.Count);
        Assert.Contains(candidates, c => c.Offer.Instance == "p5.48xlarge" && c.Unmet is [var only] && only.StartsWith("max_price:", StringComparison.Ordinal));
        Assert.Contains(candidates, c => c.Unmet is [var only] && only.StartsWith("gpu: needs", StringComparison.Ordinal) && only.Contains("H100", StringComparison.Ordinal));
    }

    private static List<Offer> Fitting(Requirements requirements, IReadOnlyList<string>? regions = null) =>
        [.. AwsOffers.For(Rows, requirements, regions).Where(c => c.Fits).Select(c => c.Offer)];

    private static Requirements Of(string resources)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return new Requirements { Resources = document.RunConfiguration!.Resources };
    }
}
