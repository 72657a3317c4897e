using System.Net;
using System.Text.Json.Nodes;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Gcp.Fake;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// The GCP backend's live offers against the fake, in-process: the aggregated machineTypes and acceleratorTypes lists
/// read over every page, laid over the catalog (a zone without the type or the GPU is no zone of the offer; a type no
/// zone has is left out with why; the API's vCPUs, memory and GPU count; the catalog's prices), cached an hour, and a
/// refusal that is a warning with the catalog's offers.
/// </summary>
[Trait("Category", "Fast")]
public sealed class GcpLiveOffersTests : IClassFixture<GcpBackendTests.Server>
{
    private readonly GcpBackendTests.Server _server;

    public GcpLiveOffersTests(GcpBackendTests.Server server) => _server = server;

    private FakeGcp Fake => _server.Fake;

    [Fact]
    public async Task Refresh_ReadsEveryPage_AZoneWithoutTheGpuIsNotOffered_ATypeNoZoneHasIsLeftOutWithWhy_PricesStay()
    {
        var home = NewHome();
        var clock = new Clock(DateTimeOffset.Parse("2026-12-05T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Fake.Withdraw("us-central1-b", "nvidia-tesla-t4");
        foreach (var zone in new[] { "a", "b", "c" })
        {
            Fake.Withdraw($"us-central1-{zone}", "g2-standard-8");
        }

        var before = Fake.Calls.Count(c => c.Aggregated);
        var backend = Backend(home, clock);

        var refresh = await backend.RefreshOffersAsync(CancellationToken.None);

        Assert.Equal((true, null), (refresh.Refreshed, refresh.Warning));
        var lists = Fake.Calls.Where(c => c.Aggregated).Skip(before).ToList();
        Assert.True(lists.Count(c => c.Collection == "machineTypes") > 1, "the machine types' nextPageToken was followed");
        Assert.True(File.Exists(Path.Combine(home.CacheFolder, "gcp-offers.json")));
        var t4 = backend.GetOffers(new Requirements { InstanceTypes = ["n1-standard-4"], Regions = ["us-central1"], Resources = Gpu("T4") }, OfferContext.Empty);
        var offer = Assert.Single(t4.Offers, o => o.Data.GetValueOrDefault(GcpOffers.AcceleratorKey) == "nvidia-tesla-t4" && !o.Spot);
        Assert.Equal("us-central1-a,us-central1-c,us-central1-f", offer.Data[GcpOffers.ZonesKey]);
        Assert.Equal(GcpCatalog.Shipped.Rows.First(r => r is { Instance: "n1-standard-4", Accelerator: "nvidia-tesla-t4", Region: "us-central1" }).Price, offer.PricePerHour);
        Assert.Contains("zones live from Compute Engine at 01:00 UTC (cached until 02:00 UTC)", t4.Prices!.Description, StringComparison.Ordinal);
        var g2 = backend.GetOffers(new Requirements { InstanceTypes = ["g2-standard-8"], Regions = ["us-central1"] }, OfferContext.Empty);
        Assert.DoesNotContain(g2.Candidates, c => c.Fits);
        Assert.Contains(g2.Candidates, c => c.Unmet.Contains("regions: g2-standard-8 is not offered in any zone of us-central1 to this project (Compute Engine's machineTypes and acceleratorTypes lists)"));
    }

    [Fact]
    public async Task Refresh_Fresh_AsksNothing_AnHourLater_AsksAgain_AndGetOffersNeverCalls()
    {
        var home = NewHome();
        var clock = new Clock(DateTimeOffset.Parse("2026-12-05T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var backend = Backend(home, clock);
        await backend.RefreshOffersAsync(CancellationToken.None);
        var asked = Fake.Calls.Count;

        var again = await backend.RefreshOffersAsync(CancellationToken.None);
        backend.GetOffers(new Requirements { InstanceTypes = ["e2-standard-4"] }, OfferContext.Empty);
        clock.Now += GcpOfferCache.FreshFor;
        var stale = Backend(home, clock).GetOffers(new Requirements { InstanceTypes = ["e2-standard-4"] }, OfferContext.Empty);
        Assert.Equal(asked, Fake.Calls.Count);
        var later = await backend.RefreshOffersAsync(CancellationToken.None);

        Assert.False(again.Refreshed);
        Assert.Equal("Compute Engine catalog of " + GcpCatalog.Shipped.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " (shipped)", stale.Prices!.Description);
        Assert.True(later.Refreshed);
        Assert.True(Fake.Calls.Count > asked);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "403 forbidden: Required 'compute.machineTypes.list' permission for 'projects/fake-project-1'")]
    [InlineData(HttpStatusCode.Unauthorized, "401 authError")]
    public async Task Refresh_Refused_IsAWarningNamingTheCauseAndTheFix_OffersFromTheCatalog(HttpStatusCode status, string cause)
    {
        var home = NewHome();
        Fake.ListFailure = status;
        try
        {
            var backend = Backend(home, new Clock(DateTimeOffset.UtcNow));

            var refresh = await backend.RefreshOffersAsync(CancellationToken.None);
            var offers = backend.GetOffers(new Requirements { InstanceTypes = ["g2-standard-4"] }, OfferContext.Empty);

            Assert.False(refresh.Refreshed);
            Assert.StartsWith($"gcp: live offers not read ({cause}", refresh.Warning, StringComparison.Ordinal);
            Assert.Contains("compute.machineTypes.list and compute.acceleratorTypes.list in fake-project-1 (the Compute Viewer role)", refresh.Warning, StringComparison.Ordinal);
            Assert.EndsWith("the offers are the shipped Compute Engine catalog's of " + GcpCatalog.Shipped.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), refresh.Warning, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(home.CacheFolder, "gcp-offers.json")));
            Assert.Contains(offers.Offers, o => o.Instance == "g2-standard-4");
        }
        finally
        {
            Fake.ListFailure = null;
        }
    }

    [Fact]
    public async Task Refresh_WithoutCredentials_AsksNothing_SaysNothing()
    {
        var settings = new GcpSettings { ProjectId = "fake-project-1", ServiceAccountFile = Path.Combine(_server.Home.Root, "missing.json") };
        var asked = Fake.Calls.Count;

        var refresh = await new GcpBackend(NewHome(), settings).RefreshOffersAsync(CancellationToken.None);

        Assert.Equal(OfferRefresh.NotNeeded, refresh);
        Assert.Equal(asked, Fake.Calls.Count);
    }

    [Fact]
    public void Apply_TheApisVcpusMemoryAndBuiltInGpuCount_AZoneOfTheRegionTheCatalogLacks_RowsOfOtherRegionsAsTheyWere()
    {
        static JsonObject Type(string name, int cpus, int memoryMb, int gpus = 0) => new()
        {
            ["name"] = name,
            ["guestCpus"] = cpus,
            ["memoryMb"] = memoryMb,
            ["accelerators"] = gpus == 0 ? null : new JsonArray(new JsonObject { ["guestAcceleratorType"] = "nvidia-l4", ["guestAcceleratorCount"] = gpus }),
        };
        var machineTypes = new Dictionary<string, IReadOnlyList<JsonObject>>
        {
            ["us-central1-a"] = [Type("g2-standard-4", 6, 20480, gpus: 2)],
            ["us-central1-z"] = [Type("g2-standard-4", 6, 20480, gpus: 2)],
            ["europe-west4-a"] = [],
        };
        var live = GcpLiveCatalog.From(DateTimeOffset.UtcNow, ["us-central1"], machineTypes, new Dictionary<string, IReadOnlyList<JsonObject>>());
        var g2 = GcpCatalog.Shipped.Rows.Where(r => r.Instance == "g2-standard-4").ToList();

        var (rows, absent) = live.Apply(g2);

        Assert.Empty(absent);
        var central = Assert.Single(rows, r => r.Region == "us-central1");
        Assert.Equal(["us-central1-a", "us-central1-z"], central.Zones);
        Assert.Equal((6, 20.0, 2), (central.Cpus, central.MemoryGb, central.Gpus.Count));
        Assert.Equal(g2.Single(r => r.Region == "us-central1").Price, central.Price);
        Assert.All(rows.Where(r => r.Region != "us-central1"), r => Assert.Contains(r, g2));
        Assert.DoesNotContain("europe-west4-a", live.Zones.Keys);
    }

    [Fact]
    public void Cache_CorruptOrOfAnotherFormat_IsNoCache()
    {
        var home = NewHome();
        var cache = new GcpOfferCache(home);
        Directory.CreateDirectory(home.CacheFolder);

        File.WriteAllText(cache.File, "{\"format\": \"dstack-gcp-offers/1\", \"fetched_at\": \"2026-12-05T01:00:00Z\", \"regions\": [\"us-central1\"], \"zones\": {\"us-central1-a\": {\"machine_types\": {\"e2-standard-4\": [4]}, \"accelerators\": []}}}");
        var corrupt = cache.Read();
        File.WriteAllText(cache.File, "{\"format\": \"something-else\"}");
        var other = cache.Read();

        Assert.Null(corrupt);
        Assert.Null(other);
    }

    private GcpBackend Backend(DstackHome home, TimeProvider clock) =>
        new(home, _server.Settings with { Regions = ["us-central1"] }, _server.Compute) { Clock = clock };

    private static Dstack.Runtime.Resources.ResourcesSpec Gpu(string name) =>
        Dstack.Runtime.Configuration.ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  gpu: {name}\n").RunConfiguration!.Resources;

    private DstackHome NewHome() => new(Directory.CreateDirectory(Path.Combine(_server.Home.Root, "live-" + Guid.NewGuid().ToString("N")[..8])).FullName);

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
