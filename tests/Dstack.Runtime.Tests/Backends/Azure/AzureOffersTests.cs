using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Tests.Backends.Azure;

[Trait("Category", "Fast")]
public sealed class AzureOffersTests
{
    private static IReadOnlyList<AzureCatalogRow> Rows => AzureCatalog.Shipped.Rows;

    [Fact]
    public void A100With80GB_FindsNcadsAndNd_CheapestFirst()
    {
        var offers = Fitting(Of("gpu: A100:80GB"));

        Assert.NotEmpty(offers);
        Assert.All(offers, o => Assert.Equal("Standard_NC24ads_A100_v4", o.Instance));
        Assert.Equal(offers.Select(o => o.PricePerHour).Order(), offers.Select(o => o.PricePerHour));
        Assert.Equal("eastus", offers[0].Region);
        Assert.Equal([0], offers[0].Gpus);

        var eight = Fitting(Of("gpu: A100:8")).Select(o => o.Instance).ToHashSet();
        Assert.Equal(["Standard_ND96amsr_A100_v4", "Standard_ND96asr_v4"], eight.Order());
    }

    [Fact]
    public void SpotPolicy_PicksTheMarket()
    {
        Assert.All(Fitting(Of("gpu: T4")), o => Assert.False(o.Spot));
        Assert.All(Fitting(Of("gpu: T4") with { SpotPolicy = SpotPolicy.Spot }), o => Assert.True(o.Spot));

        var auto = Fitting(Of("gpu: T4") with { SpotPolicy = SpotPolicy.Auto });
        Assert.Contains(auto, o => o.Spot);
        Assert.Contains(auto, o => !o.Spot);
        Assert.All(auto, o => Assert.Equal(o.Spot ? "spot" : "on-demand", o.Data[AzureOffers.MarketKey]));
        Assert.All(auto, o => Assert.Equal(o.Instance, o.Data[AzureOffers.VmSizeKey]));
        Assert.All(auto, o => Assert.Equal(AzureOffers.BackendName, o.Backend));
    }

    [Fact]
    public void MaxPrice_LeavesOutDearerOffers_WithTheReason()
    {
        var candidates = AzureOffers.For(Rows, Of("gpu: A100") with { MaxPrice = 4 }, null);

        Assert.All(candidates.Where(c => c.Fits), c => Assert.True(c.Offer.PricePerHour <= 4m));
        Assert.Contains(candidates, c => !c.Fits && c.Unmet.Any(u => u.StartsWith("max_price: $", StringComparison.Ordinal) && u.EndsWith("is over $4", StringComparison.Ordinal)));
        Assert.True(candidates.Count(c => !c.Fits) <= AzureOffers.LeftOutKept);
    }

    [Fact]
    public void Regions_TheRunsAndTheBackends_BothApply()
    {
        Assert.All(Fitting(Of("gpu: T4") with { Regions = ["westeurope"] }), o => Assert.Equal("westeurope", o.Region));
        Assert.Empty(Fitting(Of("gpu: T4") with { Regions = ["westeurope"] }, ["eastus"]));
        Assert.Contains(AzureOffers.For(Rows, Of("gpu: T4"), ["eastus"]), c => c.Unmet.Contains("regions: westus2 is not among the azure backend's regions (eastus)"));
    }

    [Fact]
    public void InstanceTypes_AndDisk_AreChecked()
    {
        var named = Fitting(new Requirements { InstanceTypes = ["standard_d4s_v5"] });
        Assert.NotEmpty(named);
        Assert.All(named, o => Assert.Equal("Standard_D4s_v5", o.Instance));
        Assert.All(named, o => Assert.Equal("100", o.Data[AzureOffers.DiskKey]));

        var tooBig = AzureOffers.For(Rows, Of("disk: 5000GB"), null);
        Assert.DoesNotContain(tooBig, c => c.Fits);
        Assert.Contains(tooBig, c => c.Unmet.Any(u => u.StartsWith("disk: needs 5000GB", StringComparison.Ordinal) && u.EndsWith("an Azure OS disk holds at most 4095GB", StringComparison.Ordinal)));
    }

    [Fact]
    public void NoGpuAsked_TheCheapestFitsDstacksDefaults()
    {
        var offers = Fitting(new Requirements());

        Assert.Equal("Standard_D2s_v5", offers[0].Instance);
        Assert.Equal(0.096m, offers[0].PricePerHour);
        Assert.DoesNotContain(Fitting(Of("cpu: 4..")), o => o.Resources.Cpus < 4);
    }

    private static List<Offer> Fitting(Requirements requirements, IReadOnlyList<string>? regions = null) =>
        [.. AzureOffers.For(Rows, requirements, regions).Where(c => c.Fits).Select(c => c.Offer)];

    private static Requirements Of(string resources)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return new Requirements { Resources = document.RunConfiguration!.Resources };
    }
}
