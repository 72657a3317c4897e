using Amazon.EC2;
using Amazon.Runtime;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// Live EC2 offers against the fake endpoint, in-process: EC2's offerings, spot prices and instance type facts laid
/// over the shipped catalog, kept in $DSTACK_HOME/cache for an hour (a moved clock, no sleeps), a bad cache ignored, a
/// refused or unreachable EC2 a warning with the shipped catalog used, and GetOffers never calling EC2.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AwsLiveOffersTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Only EC2 knows it (not in the shipped catalog): two L4 GPUs.</summary>
    private const string LiveOnlyType = "g6x.2xlarge";

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 14, 2, 0, TimeSpan.Zero);

    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-awslive-" + Guid.NewGuid().ToString("N")[..8]));
    private readonly ManualClock _clock = new(Start);
    private FakeEc2 _fake = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeEc2.StartAsync();
        _fake.InstanceTypes =
        [
            .. FakeInstanceType.Defaults.Select(t => t.Name == "g4dn.xlarge" ? t with { OnlyIn = ["us-west-2"] } : t),
            new FakeInstanceType(LiveOnlyType, 8, 32768, new FakeGpu("L4", "NVIDIA", 2, 23040), 1, 450, 0.3300m),
        ];
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        if (Directory.Exists(_home.Root))
        {
            Directory.Delete(_home.Root, recursive: true);
        }
    }

    [Fact]
    public async Task Refresh_LaysEc2OverTheCatalog_DropsUnofferedTypes_LiveSpotPrices_TypesOnlyEc2Knows()
    {
        var backend = Backend();

        var refresh = await backend.RefreshOffersAsync(None);

        Assert.Equal((true, (string?)null), (refresh.Refreshed, refresh.Warning));
        var offers = backend.GetOffers(AnyGpu(), OfferContext.Empty);
        var fits = offers.Offers.ToList();
        Assert.DoesNotContain(fits, o => o.Instance == "g4dn.xlarge");
        var g5Spot = Assert.Single(fits, o => o.Instance == "g5.xlarge" && o.Spot);
        Assert.Equal(0.45m, g5Spot.PricePerHour);
        Assert.Equal(1.006m, Assert.Single(fits, o => o.Instance == "g5.xlarge" && !o.Spot).PricePerHour);
        var liveOnly = Assert.Single(fits, o => o.Instance == LiveOnlyType);
        Assert.True(liveOnly.Spot);
        Assert.Equal(0.33m, liveOnly.PricePerHour);
        Assert.Equal(["L4", "L4"], liveOnly.Resources.Gpus.Select(g => g.Name));
        Assert.Equal(22.5, liveOnly.Resources.Gpus[0].Memory.Gigabytes);
        Assert.Equal((8, 32.0), (liveOnly.Resources.Cpus, liveOnly.Resources.Memory.Gigabytes));
        Assert.Equal(OfferPrices.Live, offers.Prices?.Source);
        Assert.Equal("live from EC2 at 14:02 UTC (cached until 15:02 UTC), catalog of 2026-12-04", offers.Prices?.Description);
        Assert.True(File.Exists(backend.LiveOffers.Cache.File));
    }

    [Fact]
    public async Task Refresh_FollowsNextToken_OnEveryCall()
    {
        _fake.PageSize = 2;
        var backend = Backend();

        await backend.RefreshOffersAsync(None);

        foreach (var action in new[] { "DescribeInstanceTypeOfferings", "DescribeSpotPriceHistory", "DescribeInstanceTypes" })
        {
            var calls = _fake.CallsTo(action);
            Assert.True(calls.Count >= 3, $"{action}: {calls.Count} pages");
            Assert.All(calls.Skip(1), c => Assert.StartsWith("page-", c["NextToken"], StringComparison.Ordinal));
        }

        // The last type is on a later page, and still there.
        Assert.Contains(backend.GetOffers(AnyGpu(), OfferContext.Empty).Offers, o => o.Instance == LiveOnlyType);
    }

    [Fact]
    public async Task GetOffers_NeverCallsEc2_WithOrWithoutACache()
    {
        var backend = Backend();
        backend.GetOffers(AnyGpu(), OfferContext.Empty);
        Assert.Empty(_fake.Calls);

        await backend.RefreshOffersAsync(None);
        var calls = _fake.Calls.Count;
        for (var i = 0; i < 3; i++)
        {
            backend.GetOffers(AnyGpu(), OfferContext.Empty);
        }

        Assert.Equal(calls, _fake.Calls.Count);
    }

    [Fact]
    public async Task Cache_IsFreshForAnHour_ThenTheCatalogIsUsedAndRefreshAsksAgain()
    {
        var backend = Backend();
        await backend.RefreshOffersAsync(None);
        var calls = _fake.Calls.Count;

        _clock.Now = Start + AwsOfferCache.FreshFor - TimeSpan.FromMinutes(1);
        Assert.Equal(OfferRefresh(false, null), await backend.RefreshOffersAsync(None));
        Assert.Equal(calls, _fake.Calls.Count);
        Assert.Equal(OfferPrices.Live, backend.GetOffers(AnyGpu(), OfferContext.Empty).Prices?.Source);

        _clock.Now = Start + AwsOfferCache.FreshFor + TimeSpan.FromMinutes(1);
        var stale = backend.GetOffers(AnyGpu(), OfferContext.Empty);
        Assert.Equal(("catalog", "EC2 catalog of 2026-12-04 (shipped)"), (stale.Prices?.Source, stale.Prices?.Description));
        Assert.Equal(0.3521m, Assert.Single(stale.Offers, o => o.Instance == "g5.xlarge" && o.Spot && o.Region == "us-east-1").PricePerHour);

        Assert.True((await backend.RefreshOffersAsync(None)).Refreshed);
        Assert.True(_fake.Calls.Count > calls);
        Assert.Equal(OfferPrices.Live, backend.GetOffers(AnyGpu(), OfferContext.Empty).Prices?.Source);
    }

    [Fact]
    public async Task Cache_OfOtherRegions_IsRefreshed()
    {
        await Backend().RefreshOffersAsync(None);
        var calls = _fake.Calls.Count;

        var other = Backend(["us-east-1", "us-west-2"]);
        Assert.True((await other.RefreshOffersAsync(None)).Refreshed);

        Assert.Contains(_fake.Calls.Skip(calls), c => c.Region == "us-west-2");
        Assert.Contains(other.GetOffers(AnyGpu(), OfferContext.Empty).Offers, o => o.Instance == "g4dn.xlarge" && o.Region == "us-west-2");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json {")]
    [InlineData("[1, 2]")]
    [InlineData("{\"format\": \"someone-else/3\", \"fetched_at\": \"2026-12-04T14:00:00Z\"}")]
    [InlineData("{\"format\": \"dstack-aws-offers/1\"}")]
    [InlineData("{\"format\": \"dstack-aws-offers/1\", \"fetched_at\": \"yesterday\", \"requested\": [], \"regions\": {}, \"types\": {}}")]
    [InlineData("{\"format\": \"dstack-aws-offers/1\", \"fetched_at\": \"2026-12-04T14:00:00Z\", \"requested\": [\"us-east-1\"], \"regions\": {\"us-east-1\": {\"offered\": [\"g5.xlarge\"], \"spot\": {\"g5.xlarge\": -1}}}, \"types\": {}}")]
    [InlineData("{\"format\": \"dstack-aws-offers/1\", \"fetched_at\": \"2026-12-04T14:00:00Z\", \"requested\": [\"us-east-1\"], \"regions\": {\"us-east-1\": 7}, \"types\": {}}")]
    [InlineData("{\"format\": \"dstack-aws-offers/1\", \"fetched_at\": \"2026-12-04T14:00:00Z\", \"requested\": [\"us-east-1\"], \"regions\": {}, \"types\": {\"x.large\": {\"cpus\": 0, \"memory_gb\": 1, \"gpu_count\": 0, \"gpu_name\": \"\", \"gpu_memory_gb\": 0, \"gpu_vendor\": \"\", \"disk_gb\": 0}}}")]
    public async Task Cache_CorruptOrForeign_IsIgnored_AndRewrittenByTheNextRefresh(string text)
    {
        var backend = Backend();
        Directory.CreateDirectory(_home.CacheFolder);
        await File.WriteAllTextAsync(backend.LiveOffers.Cache.File, text);

        var offers = backend.GetOffers(AnyGpu(), OfferContext.Empty);

        Assert.Equal(OfferPrices.Catalog, offers.Prices?.Source);
        Assert.NotEmpty(offers.Offers);
        Assert.True((await backend.RefreshOffersAsync(None)).Refreshed);
        Assert.Equal(OfferPrices.Live, backend.GetOffers(AnyGpu(), OfferContext.Empty).Prices?.Source);
    }

    [Theory]
    [InlineData("UnauthorizedOperation", 403, "UnauthorizedOperation: the credentials may not read offers; grant ec2:DescribeInstanceTypeOfferings, ec2:DescribeSpotPriceHistory, ec2:DescribeInstanceTypes")]
    [InlineData("RequestLimitExceeded", 503, "RequestLimitExceeded: EC2 throttled the calls")]
    [InlineData("AuthFailure", 401, "AuthFailure: AWS refused the credentials")]
    public async Task Refresh_Refused_IsAOneLineWarning_AndTheShippedCatalogIsUsed(string code, int status, string why)
    {
        _fake.FailNext("DescribeSpotPriceHistory", code, status, times: 100);
        var backend = Backend();

        var refresh = await backend.RefreshOffersAsync(None);

        Assert.False(refresh.Refreshed);
        Assert.StartsWith($"aws: live offers not read (us-east-1: {why}", refresh.Warning, StringComparison.Ordinal);
        Assert.EndsWith("); prices come from the shipped EC2 catalog of 2026-12-04", refresh.Warning, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refresh.Warning!);
        Assert.False(File.Exists(backend.LiveOffers.Cache.File));
        Assert.Equal(OfferPrices.Catalog, backend.GetOffers(AnyGpu(), OfferContext.Empty).Prices?.Source);
    }

    [Fact]
    public async Task Refresh_Unreachable_IsAWarning()
    {
        // Nothing listens on port 9 of loopback: the connection is refused at once.
        var settings = new AwsSettings { Regions = ["us-east-1"] };
        var compute = new AwsCompute(settings, region => new AmazonEC2Client(new BasicAWSCredentials(_fake.AccessKey, _fake.SecretKey), new AmazonEC2Config { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = region, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(5) }));
        var backend = new AwsBackend(_home, settings, compute) { Clock = _clock };

        var refresh = await backend.RefreshOffersAsync(None);

        Assert.False(refresh.Refreshed);
        Assert.Contains("us-east-1: EC2 could not be reached", refresh.Warning, StringComparison.Ordinal);
        Assert.Equal(OfferPrices.Catalog, backend.GetOffers(AnyGpu(), OfferContext.Empty).Prices?.Source);
    }

    [Fact]
    public async Task Refresh_ThatGotNothing_IsNotTriedAgainForTenMinutes_ThenIs_AndASuccessForgetsIt()
    {
        _fake.FailNext("DescribeInstanceTypeOfferings", "RequestLimitExceeded", 503, times: 100);
        var backend = Backend();
        await backend.RefreshOffersAsync(None);
        var asked = _fake.Calls.Count;

        _clock.Now += TimeSpan.FromMinutes(9);
        var soon = await backend.RefreshOffersAsync(None);

        Assert.False(soon.Refreshed);
        Assert.Equal(asked, _fake.Calls.Count);
        Assert.StartsWith($"aws: live offers not read (the last try, at {Start.UtcDateTime:HH:mm} UTC, failed; the next is after {Start.AddMinutes(10).UtcDateTime:HH:mm} UTC, or at once after rm ", soon.Warning, StringComparison.Ordinal);

        _fake.ClearFaults();
        _clock.Now += TimeSpan.FromMinutes(2);
        var later = await backend.RefreshOffersAsync(None);

        Assert.True(later.Refreshed);
        Assert.True(_fake.Calls.Count > asked);
        Assert.False(File.Exists(backend.LiveOffers.FailedStamp));
    }

    [Fact]
    public async Task Refresh_OneRegionFails_TheOthersAreKept_AndTheFailedOneIsNamed()
    {
        _fake.FailNext("DescribeInstanceTypeOfferings", "UnauthorizedOperation", 403, when: r => r.Region == "us-west-2", times: 100);
        var backend = Backend(["us-east-1", "us-west-2"]);

        var refresh = await backend.RefreshOffersAsync(None);

        Assert.True(refresh.Refreshed);
        Assert.StartsWith("aws: live offers of us-west-2 not read (us-west-2: UnauthorizedOperation", refresh.Warning, StringComparison.Ordinal);
        var offers = backend.GetOffers(AnyGpu(), OfferContext.Empty);
        Assert.EndsWith("for us-east-1, catalog of 2026-12-04", offers.Prices?.Description, StringComparison.Ordinal);
        // us-west-2 keeps the catalog's rows and prices.
        Assert.Equal(0.1841m, Assert.Single(offers.Offers, o => o.Instance == "g4dn.xlarge" && o.Spot && o.Region == "us-west-2").PricePerHour);
    }

    private AwsBackend Backend(IReadOnlyList<string>? regions = null)
    {
        var settings = new AwsSettings { Regions = regions ?? ["us-east-1"] };
        return new AwsBackend(_home, settings, new AwsCompute(settings, r => _fake.NewClient(r))) { Clock = _clock };
    }

    private static Dstack.Runtime.Backends.OfferRefresh OfferRefresh(bool refreshed, string? warning) => new(refreshed, warning);

    private static Requirements AnyGpu() =>
        new() { Resources = new ResourcesSpec { Gpu = GpuSpecParser.Parse("1..") }, SpotPolicy = SpotPolicy.Auto };

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
