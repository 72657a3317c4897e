using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Cloud;

/// <summary>Each rule of the offer filter the clouds share, on rows made here (not a shipped catalog).</summary>
[Trait("Category", "Fast")]
public sealed class CloudOfferFilterTests
{
    private static readonly CloudOfferRules<TestRow> Rules = new("test", 1000, "a test disk", (row, spot, disk) => new(StringComparer.Ordinal)
    {
        ["type"] = row.Instance,
        [CloudOfferFilter.MarketKey] = CloudOfferFilter.Market(spot),
        [CloudOfferFilter.DiskKey] = CloudOfferFilter.Gigabytes(disk),
    });

    private static readonly TestRow Small = new("small", "r-1", 0.02m, 0.01m, 1, 2, []);
    private static readonly TestRow Cpu = new("cpu", "r-1", 0.1m, 0.03m, 2, 8, []);
    private static readonly TestRow CpuElsewhere = new("cpu", "r-2", 0.12m, 0.04m, 2, 8, []);
    private static readonly TestRow A100 = new("a100", "r-1", 3.5m, 1.1m, 12, 85, CloudCatalogRow.GpusOf(1, "A100", GpuVendor.Nvidia, 80));
    private static readonly TestRow A100x8 = new("a100x8", "r-1", 28m, 9m, 96, 680, CloudCatalogRow.GpusOf(8, "A100", GpuVendor.Nvidia, 80));
    private static readonly TestRow L4 = new("l4", "r-1", 0.7m, 0.2m, 4, 16, CloudCatalogRow.GpusOf(1, "L4", GpuVendor.Nvidia, 24));

    private static readonly TestRow[] Rows = [Small, Cpu, CpuElsewhere, A100, A100x8, L4];

    [Fact]
    public void Fits_AreCheapestFirst_OnDemandByDefault_WithTheCloudsData()
    {
        var offers = Fitting(new Requirements());

        Assert.Equal(["cpu", "cpu", "l4", "a100", "a100x8"], offers.Select(o => o.Instance));
        Assert.All(offers, o => Assert.False(o.Spot));
        Assert.Equal(("test", "r-1", 0.1m), (offers[0].Backend, offers[0].Region, offers[0].PricePerHour));
        Assert.Equal(new Dictionary<string, string> { ["type"] = "cpu", ["market"] = "on-demand", ["disk_gb"] = "100" }, offers[0].Data);
        Assert.Equal(int.MaxValue, offers[0].Capacity);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], offers[^1].Gpus);
        Assert.Equal(string.Empty, offers[0].Display);
    }

    [Fact]
    public void Resources_DstacksCloudDefaults_KeepSmallMachinesOut()
    {
        var small = Assert.Single(CloudOfferFilter.For([Small], new Requirements(), null, Rules), c => !c.Offer.Spot);

        Assert.Contains(small.Unmet, u => u.StartsWith("cpu:", StringComparison.Ordinal));
        Assert.Contains(small.Unmet, u => u.StartsWith("memory:", StringComparison.Ordinal));
    }

    [Fact]
    public void Resources_ACloudsOwnRule_ReplacesDstacks()
    {
        var rules = Rules with { Resources = (row, spec, resources) => row.Instance == "cpu" ? ["gpu: a rule of the cloud's own"] : [] };

        var candidates = CloudOfferFilter.For([Small, Cpu], new Requirements(), null, rules);

        Assert.Equal(["small"], candidates.Where(c => c.Fits).Select(c => c.Offer.Instance));
        Assert.Contains(candidates, c => c.Offer.Instance == "cpu" && c.Unmet.SequenceEqual(["gpu: a rule of the cloud's own"]));
    }

    [Theory]
    [InlineData(null, false, true, "spot_policy: the default (on-demand) takes on-demand VMs only")]
    [InlineData(SpotPolicy.OnDemand, false, true, "spot_policy: on-demand takes on-demand VMs only")]
    [InlineData(SpotPolicy.Spot, true, false, "spot_policy: spot takes spot VMs only")]
    public void SpotPolicy_PicksTheMarket_InTheCloudsWords(SpotPolicy? policy, bool fitsSpot, bool fitsOnDemand, string reason)
    {
        var candidates = CloudOfferFilter.For([Cpu], new Requirements { SpotPolicy = policy }, null, Rules with { Machines = "VMs" });

        Assert.Equal(fitsSpot, candidates.Single(c => c.Offer.Spot).Fits);
        Assert.Equal(fitsOnDemand, candidates.Single(c => !c.Offer.Spot).Fits);
        Assert.Equal([reason], candidates.Single(c => !c.Fits).Unmet);
        Assert.Equal(2, Fitting(new Requirements { SpotPolicy = SpotPolicy.Auto }, [Cpu]).Count);
    }

    [Fact]
    public void AMarketWithoutAPrice_IsNoOffer()
    {
        var candidates = CloudOfferFilter.For([Cpu with { Price = 0 }], new Requirements { SpotPolicy = SpotPolicy.Auto }, null, Rules);

        Assert.True(Assert.Single(candidates).Offer.Spot);
    }

    [Fact]
    public void MaxPrice_LeavesOutDearerOffers_WithThePrice()
    {
        var candidates = CloudOfferFilter.For([Cpu, A100], new Requirements { MaxPrice = 1 }, null, Rules);

        Assert.Equal(["cpu"], candidates.Where(c => c.Fits).Select(c => c.Offer.Instance));
        Assert.Contains(candidates, c => c.Offer.Instance == "a100" && !c.Offer.Spot && c.Unmet.SequenceEqual(["max_price: $3.5/hour is over $1"]));
    }

    [Fact]
    public void Regions_TheRunsAndTheBackends_BothApply_AnyCase()
    {
        Assert.Equal(["r-2"], Fitting(new Requirements { Regions = ["R-2"] }, [Cpu, CpuElsewhere]).Select(o => o.Region));
        Assert.Equal(["r-1"], Fitting(new Requirements(), [Cpu, CpuElsewhere], ["r-1"]).Select(o => o.Region));

        var candidates = CloudOfferFilter.For([CpuElsewhere], new Requirements { Regions = ["r-3"] }, ["r-1"], Rules);
        Assert.Equal(["regions: r-2 is not one of r-3", "regions: r-2 is not among the test backend's regions (r-1)"], candidates.Single(c => !c.Offer.Spot).Unmet.Take(2));
    }

    [Fact]
    public void InstanceTypes_Filter_AnyCase()
    {
        Assert.Equal(["l4"], Fitting(new Requirements { InstanceTypes = ["L4"] }).Select(o => o.Instance));
        Assert.Contains(CloudOfferFilter.For([Cpu], new Requirements { InstanceTypes = ["l4", "a100"] }, null, Rules), c => c.Unmet.Contains("instance_types: cpu is not one of l4, a100"));
    }

    [Fact]
    public void Disk_IsTheLeastAsked_UpToTheCloudsLimit()
    {
        Assert.All(Fitting(Of("disk: 500GB..")), o => Assert.Equal(("500", 500.0), (o.Data[CloudOfferFilter.DiskKey], o.Resources.Disk.Gigabytes)));

        var huge = CloudOfferFilter.For([Cpu], Of("disk: 2000GB.."), null, Rules);
        Assert.DoesNotContain(huge, c => c.Fits);
        Assert.All(huge, c => Assert.Contains("disk: needs 2000GB.., a test disk holds at most 1000GB", c.Unmet));
        Assert.All(huge, c => Assert.Equal(1000, c.Offer.Resources.Disk.Gigabytes));
    }

    [Fact]
    public void Display_IsTheClouds()
    {
        var offer = Fitting(new Requirements(), [Cpu], rules: Rules with { Display = row => $"{row.Instance} shown" })[0];

        Assert.Equal("cpu shown", offer.ShownAs);
    }

    [Fact]
    public void LeftOut_AtMostTwenty_FewestReasonsAndTheNamedGpuFirst_ThenEachKindInTurn()
    {
        // 30 cheap machines without a GPU, an 8xA100 that the count keeps out, and an A100 that only max_price keeps out.
        TestRow[] rows = [.. Enumerable.Range(0, 30).Select(i => Cpu with { Instance = $"cpu{i}" }), A100x8, A100, L4];

        var candidates = CloudOfferFilter.For(rows, Of("gpu: A100:1") with { MaxPrice = 3 }, null, Rules);

        Assert.DoesNotContain(candidates, c => c.Fits);
        Assert.Equal(CloudOfferFilter.LeftOutKept, candidates.Count);
        // Rank 0: one reason (the A100 by name, then other GPUs, then none), then two, then three; each group's cheapest.
        Assert.Equal(
            ["a100 spot", "a100 on-demand", "l4 on-demand", "cpu0 on-demand", "a100x8 on-demand", "l4 spot", "cpu0 spot", "a100x8 spot", "cpu1 on-demand", "cpu1 spot"],
            candidates.Take(10).Select(c => $"{c.Offer.Instance} {CloudOfferFilter.Market(c.Offer.Spot)}"));
        Assert.Equal(["max_price: $3.5/hour is over $3"], candidates[1].Unmet);
        Assert.Contains(candidates, c => c.Offer.Spot && c.Unmet.Any(u => u.StartsWith("spot_policy:", StringComparison.Ordinal)));
    }

    private static List<Offer> Fitting(Requirements requirements, IReadOnlyList<TestRow>? rows = null, IReadOnlyList<string>? regions = null, CloudOfferRules<TestRow>? rules = null) =>
        [.. CloudOfferFilter.For(rows ?? Rows, requirements, regions, rules ?? Rules).Where(c => c.Fits).Select(c => c.Offer)];

    private static Requirements Of(string resources)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
        return new Requirements { Resources = document.RunConfiguration!.Resources };
    }
}
