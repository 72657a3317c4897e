using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Gcp;

/// <summary>Offers from the shipped Compute Engine catalog: the right machine types, both markets, and every filter with its reason.</summary>
[Trait("Category", "Fast")]
public sealed class GcpOffersTests
{
    private static IReadOnlyList<GcpCatalogRow> Rows => GcpCatalog.Shipped.Rows;

    [Fact]
    public void A100With80GB_FindsA2UltraNotA2High()
    {
        var offers = Fitting(Of("gpu: A100:80GB:8"));

        Assert.NotEmpty(offers);
        Assert.All(offers, o => Assert.Equal("a2-ultragpu-8g", o.Instance));
        Assert.All(offers, o => Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], o.Gpus));
        Assert.All(offers, o => Assert.False(o.Data.ContainsKey(GcpOffers.AcceleratorKey)));
    }

    [Fact]
    public void T4_IsAnN1WithTheAcceleratorAttached_CheapestFirst()
    {
        var offers = Fitting(Of("gpu: T4"));

        var cheapest = offers[0];
        Assert.Equal("n1-standard-4", cheapest.Instance);
        Assert.Equal("nvidia-tesla-t4", cheapest.Data[GcpOffers.AcceleratorKey]);
        Assert.Equal("1", cheapest.Data[GcpOffers.AcceleratorCountKey]);
        Assert.Equal("n1-standard-4 + 1xnvidia-tesla-t4", cheapest.ShownAs);
        Assert.Equal(0.54m, cheapest.PricePerHour);
        Assert.Equal(offers.OrderBy(o => o.PricePerHour).Select(o => o.PricePerHour), offers.Select(o => o.PricePerHour));
        Assert.All(cheapest.Data[GcpOffers.ZonesKey].Split(','), z => Assert.StartsWith(cheapest.Region + "-", z, StringComparison.Ordinal));
    }

    [Fact]
    public void L4_IsG2_AndH100_IsA3()
    {
        Assert.All(Fitting(Of("gpu: L4")), o => Assert.StartsWith("g2-standard-", o.Instance, StringComparison.Ordinal));
        Assert.All(Fitting(Of("gpu: H100:8")), o => Assert.Equal("a3-highgpu-8g", o.Instance));
    }

    [Fact]
    public void SpotPolicy_PicksTheMarket()
    {
        Assert.All(Fitting(Of("gpu: L4")), o => Assert.False(o.Spot));
        Assert.All(Fitting(Of("gpu: L4") with { SpotPolicy = SpotPolicy.Spot }), o => Assert.True(o.Spot));

        var auto = Fitting(Of("gpu: L4") with { SpotPolicy = SpotPolicy.Auto });
        Assert.Contains(auto, o => o.Spot);
        Assert.Contains(auto, o => !o.Spot);
        Assert.All(auto, o => Assert.Equal(o.Spot ? "spot" : "on-demand", o.Data[GcpOffers.MarketKey]));
        Assert.All(auto, o => Assert.Equal(GcpOffers.BackendName, o.Backend));
    }

    [Fact]
    public void MaxPrice_LeavesOutDearerOffers_WithTheReason()
    {
        var candidates = GcpOffers.For(Rows, Of("gpu: A100") with { MaxPrice = 4 }, null);

        Assert.All(candidates.Where(c => c.Fits), c => Assert.True(c.Offer.PricePerHour <= 4m));
        Assert.Contains(candidates, c => c.Fits && c.Offer.Instance == "a2-highgpu-1g");
        Assert.Contains(candidates, c => c.Unmet.Any(u => u.StartsWith("max_price: $", StringComparison.Ordinal)));
    }

    [Fact]
    public void Regions_RunsAndBackends_Filter()
    {
        var run = Fitting(Of("gpu: T4") with { Regions = ["europe-west4", "us-east1"] });
        Assert.Equal(["europe-west4", "us-east1"], run.Select(o => o.Region).Distinct().Order());

        var config = GcpOffers.For(Rows, Of("gpu: T4"), ["us-west1"]);
        Assert.All(config.Where(c => c.Fits), c => Assert.Equal("us-west1", c.Offer.Region));
        Assert.Contains(config, c => c.Unmet.Any(u => u.Contains("not among the gcp backend's regions", StringComparison.Ordinal)));
    }

    [Fact]
    public void InstanceTypes_Filter_AndDefaultsApply()
    {
        var offers = Fitting(new Requirements { InstanceTypes = ["G2-STANDARD-4", "e2-standard-4"] });
        Assert.Equal(["e2-standard-4", "g2-standard-4"], offers.Select(o => o.Instance).Distinct().Order());

        var big = Fitting(new Requirements { Resources = new ResourcesSpec { Disk = new DiskSpec { Size = Range<Memory>.AtLeast(new Memory(500)) } } });
        Assert.All(big, o => Assert.Equal("500", o.Data[GcpOffers.DiskKey]));
        var huge = GcpOffers.For(Rows, new Requirements { Resources = new ResourcesSpec { Disk = new DiskSpec { Size = Range<Memory>.AtLeast(new Memory(70000)) } } }, null);
        Assert.DoesNotContain(huge, c => c.Fits);
        Assert.Contains(huge, c => c.Unmet.Any(u => u.Contains("a persistent boot disk holds at most", StringComparison.Ordinal)));
    }

    [Fact]
    public void LeftOut_AtMostTwenty_TheAskedGpuFirst()
    {
        var candidates = GcpOffers.For(Rows, Of("gpu: A100:80GB:16"), null);

        var left = candidates.Where(c => !c.Fits).ToList();
        Assert.Equal(GcpOffers.LeftOutKept, left.Count);
        Assert.Contains("A100", left[0].Offer.Resources.Gpus[0].Name, StringComparison.Ordinal);
        Assert.Single(left[0].Unmet);
    }

    private static List<Offer> Fitting(Requirements requirements, IReadOnlyList<string>? regions = null) =>
        [.. GcpOffers.For(Rows, requirements, regions).Where(c => c.Fits).Select(c => c.Offer)];

    private static Requirements Of(string resources)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return new Requirements { Resources = document.RunConfiguration!.Resources };
    }
}
