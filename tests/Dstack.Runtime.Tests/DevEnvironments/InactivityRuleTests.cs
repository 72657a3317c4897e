using Dstack.Runtime.DevEnvironments;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary><c>inactivity_duration</c> on a fake clock: from ready, paused by sessions, restarted by the last one closing.</summary>
[Trait("Category", "Fast")]
public sealed class InactivityRuleTests
{
    private static readonly DateTimeOffset Ready = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => Ready + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Observe_NoSessionEver_EndsExactlyWhenTheDurationHasPassedSinceReady()
    {
        var rule = new InactivityRule(TimeSpan.FromMinutes(10), Ready);

        Assert.False(rule.Observe(At(1), sessions: 0));
        Assert.False(rule.Observe(At(599.9), sessions: 0));
        Assert.InRange(rule.Remaining(At(599.9))!.Value, TimeSpan.FromSeconds(0.099), TimeSpan.FromSeconds(0.101));
        Assert.True(rule.Observe(At(600), sessions: 0));
        Assert.Equal(TimeSpan.Zero, rule.Remaining(At(700)));
    }

    [Fact]
    public void Observe_SessionOpenPastTheDuration_NeverEnds()
    {
        var rule = new InactivityRule(TimeSpan.FromSeconds(5), Ready);

        for (var second = 1; second <= 60; second++)
        {
            Assert.False(rule.Observe(At(second), sessions: 1));
        }

        Assert.Null(rule.IdleSince);
        Assert.Null(rule.Remaining(At(60)));
    }

    [Fact]
    public void Observe_LastSessionCloses_ClockStartsAgainFromThen()
    {
        var rule = new InactivityRule(TimeSpan.FromSeconds(5), Ready);

        Assert.False(rule.Observe(At(4), sessions: 0));
        Assert.False(rule.Observe(At(4.5), sessions: 2));
        Assert.False(rule.Observe(At(20), sessions: 1));
        Assert.False(rule.Observe(At(21), sessions: 0));
        Assert.Equal(At(21), rule.IdleSince);
        Assert.False(rule.Observe(At(25.9), sessions: 0));
        Assert.True(rule.Observe(At(26), sessions: 0));
    }

    [Fact]
    public void Observe_ZeroDuration_EndsAtTheFirstSampleWithoutASession()
    {
        var rule = new InactivityRule(TimeSpan.Zero, Ready);

        Assert.False(rule.Observe(At(0.5), sessions: 1));
        Assert.True(rule.Observe(At(1), sessions: 0));
    }

    [Fact]
    public void New_NegativeDuration_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new InactivityRule(TimeSpan.FromSeconds(-1), Ready));
}
