using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>The rps scaling rule: ⌈rps / target⌉ within the range, the delays after a change, from zero at once.</summary>
[Trait("Category", "Fast")]
public sealed class ServiceScalerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly ServiceScaler _scaler = new(0, 4, 10, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.1, 1)]
    [InlineData(10, 1)]
    [InlineData(10.5, 2)]
    [InlineData(35, 4)]
    [InlineData(1000, 4)]
    public void Wanted_IsRpsOverTargetRoundedUp_WithinTheRange(double rps, int wanted) => Assert.Equal(wanted, _scaler.Wanted(rps));

    [Fact]
    public void Wanted_NeverGoesBelowTheMinimum()
    {
        var scaler = _scaler with { Min = 2 };

        Assert.Equal(2, scaler.Wanted(0));
        Assert.Equal(2, scaler.Wanted(12));
        Assert.Equal(3, scaler.Wanted(21));
    }

    [Fact]
    public void ScalingUp_WaitsForTheScaleUpDelay_SinceTheLastChange_ThenGoesStraightToTheWantedCount()
    {
        var early = _scaler.Decide(1, 35, waiting: false, Start.AddMinutes(4), lastChange: Start);
        var due = _scaler.Decide(1, 35, waiting: false, Start.AddMinutes(5), lastChange: Start);

        Assert.Equal(1, early.Replicas);
        Assert.Contains("wants 4; adds them after the scale_up_delay, at 10:05:00", early.Why, StringComparison.Ordinal);
        Assert.Equal(4, due.Replicas);
        Assert.Contains("35 requests/s over the last minute wants 4 at 10 each", due.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void ScalingDown_WaitsForTheScaleDownDelay_SinceTheLastChange()
    {
        Assert.Equal(4, _scaler.Decide(4, 5, waiting: false, Start.AddMinutes(9), lastChange: Start).Replicas);
        Assert.Equal(1, _scaler.Decide(4, 5, waiting: false, Start.AddMinutes(10), lastChange: Start).Replicas);
        Assert.Equal(0, _scaler.Decide(1, 0, waiting: false, Start.AddMinutes(10), lastChange: Start).Replicas);
    }

    [Fact]
    public void FromZero_AWaitingRequest_StartsAReplicaAtOnce_WithoutTheDelay()
    {
        var decision = _scaler.Decide(0, 0, waiting: true, Start.AddSeconds(1), lastChange: Start);

        Assert.Equal(1, decision.Replicas);
        Assert.Equal("a request is waiting and no replica runs", decision.Why);
    }

    [Fact]
    public void AtTheWantedCount_NothingChanges_AndNothingIsSaid()
    {
        Assert.Equal(new ScalingDecision(2, null), _scaler.Decide(2, 15, waiting: false, Start.AddHours(1), lastChange: Start));
    }

    [Fact]
    public void Of_AService_ReadsItsRangeAndDelays_AndAFixedCountHasNoScaler()
    {
        var service = new ServiceConfiguration
        {
            Replicas = new Range<int>(1, 3),
            Scaling = new ScalingSpec { Target = 2.5, ScaleUpDelay = new Duration(60), ScaleDownDelay = new Duration(120) },
        };

        Assert.Equal(new ServiceScaler(1, 3, 2.5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)), ServiceScaler.Of(service));
        Assert.Null(ServiceScaler.Of(service with { Replicas = Range<int>.Exactly(2) }));
        Assert.Null(ServiceScaler.Of(service with { Scaling = null }));
    }
}
