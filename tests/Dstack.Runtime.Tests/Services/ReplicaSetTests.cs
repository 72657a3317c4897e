using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>Which replica takes the next request: in turn, a refused one paused, replicas coming and going.</summary>
[Trait("Category", "Fast")]
public sealed class ReplicaSetTests
{
    private static readonly ServiceReplica One = new(1, new Uri("http://127.0.0.1:5001/"));
    private static readonly ServiceReplica Two = new(2, new Uri("http://127.0.0.1:5002/"));
    private static readonly ServiceReplica Three = new(3, new Uri("http://127.0.0.1:5003/"));

    [Fact]
    public void Next_TakesEachInTurn_AndFollowsAddsAndRemoves()
    {
        var set = new ReplicaSet();
        Assert.Null(set.Next());
        set.Add(One);
        set.Add(Two);

        Assert.Equal([1, 2, 1], Take(set, 3));
        set.Add(Three);
        Assert.Equal([2, 3, 1, 2], Take(set, 4));
        Assert.True(set.Remove(2));
        Assert.False(set.Remove(2));
        Assert.Equal(2, set.Count);
        Assert.All(Take(set, 4), n => Assert.NotEqual(2, n));
    }

    [Fact]
    public void ARefusedReplica_IsSkippedForItsPause_ThenTriedAgain()
    {
        var clock = new RequestRateTests.ManualTime(DateTimeOffset.UnixEpoch);
        var set = new ReplicaSet(clock) { Pause = TimeSpan.FromSeconds(2) };
        set.Add(One);
        set.Add(Two);

        set.Refused(One);
        Assert.Equal([2, 2, 2], Take(set, 3));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains(1, Take(set, 2));
    }

    [Fact]
    public void WhenEveryUntriedReplicaIsPaused_TheOneWhosePauseEndsFirst_IsStillTried_AndTriedOnesNever()
    {
        var clock = new RequestRateTests.ManualTime(DateTimeOffset.UnixEpoch);
        var set = new ReplicaSet(clock);
        set.Add(One);
        set.Add(Two);
        set.Add(Three);
        set.Refused(Two);
        clock.Advance(TimeSpan.FromSeconds(1));
        set.Refused(Three);

        Assert.Equal(Two, set.Next([1]));
        Assert.Null(set.Next([1, 2, 3]));
        set.Answered(Two);
        Assert.DoesNotContain(set.Snapshot(), r => r.Replica == Two && r.Paused);
    }

    [Fact]
    public void ARestartedReplica_KeepsItsNumber_WithItsNewAddress()
    {
        var set = new ReplicaSet();
        set.Add(One);
        var moved = One with { Address = new Uri("http://127.0.0.1:6001/") };

        set.Add(moved);

        Assert.Equal(moved, Assert.Single(set.Snapshot()).Replica);
    }

    private static List<int> Take(ReplicaSet set, int count) => [.. Enumerable.Range(0, count).Select(_ => set.Next()!.Number)];
}
