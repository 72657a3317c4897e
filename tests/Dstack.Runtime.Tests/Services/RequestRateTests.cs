using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>The per-second request counter that rps scaling reads, on a clock the test moves.</summary>
[Trait("Category", "Fast")]
public sealed class RequestRateTests
{
    [Fact]
    public void PerSecond_AveragesTheWholeSecondsOfTheWindow_NotTheOneUnderWay()
    {
        var clock = new ManualTime(DateTimeOffset.Parse("2026-12-05T00:00:00.5Z", System.Globalization.CultureInfo.InvariantCulture));
        var rate = new RequestRate(clock);

        Count(rate, 10);
        clock.Advance(TimeSpan.FromSeconds(1));
        Count(rate, 30);
        Assert.Equal(10, rate.PerSecond(TimeSpan.FromSeconds(1)));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(30, rate.PerSecond(TimeSpan.FromSeconds(1)));
        Assert.Equal(20, rate.PerSecond(TimeSpan.FromSeconds(2)));
        Assert.Equal(4, rate.PerSecond(TimeSpan.FromSeconds(10)));
        Assert.Equal(40, rate.Total);
    }

    [Fact]
    public void ASlotIsReused_OnlyForItsNewSecond_AndOldSecondsFallOutOfTheWindow()
    {
        var clock = new ManualTime(DateTimeOffset.Parse("2026-12-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var rate = new RequestRate(clock);
        Count(rate, 100);

        clock.Advance(TimeSpan.FromSeconds(60));
        Count(rate, 7);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(7, rate.PerSecond(TimeSpan.FromSeconds(1)));
        Assert.Equal(7.0 / 59, rate.PerSecond(RequestRate.MaxWindow), 6);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, rate.PerSecond(RequestRate.MaxWindow));
    }

    [Fact]
    public void Counting_FromManyThreads_LosesNothing()
    {
        var clock = new ManualTime(DateTimeOffset.Parse("2026-12-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var rate = new RequestRate(clock);

        Parallel.For(0, 8, _ => Count(rate, 10_000));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(80_000, rate.PerSecond(TimeSpan.FromSeconds(1)));
    }

    private static void Count(RequestRate rate, int times)
    {
        for (var i = 0; i < times; i++)
        {
            rate.Count();
        }
    }

    internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
