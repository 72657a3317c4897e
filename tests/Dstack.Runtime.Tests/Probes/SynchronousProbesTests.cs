using Dstack.Runtime.Probes;

namespace Dstack.Runtime.Tests.Probes;

/// <summary>The CLI's probes: an ask probes now, on the caller's thread, once per the answer's max age; a list all at once.</summary>
[Trait("Category", "Fast")]
public sealed class SynchronousProbesTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly ManualTime _time = new();
    private int _probes;

    public SynchronousProbesTests() => Probes = new SynchronousProbes(_time);

    private SynchronousProbes Probes { get; }

    [Fact]
    public void Latest_ProbesOnTheCallersThread_OncePerMaxAge()
    {
        var thread = Environment.CurrentManagedThreadId;
        var probedOn = new List<int>();
        var probe = new Probe<string>("k", () =>
        {
            probedOn.Add(Environment.CurrentManagedThreadId);
            return $"{++_probes}";
        }, MaxAge);

        var first = Probes.Latest(probe);
        _time.Advance(MaxAge - TimeSpan.FromSeconds(1));
        var recent = Probes.Latest(probe);
        _time.Advance(TimeSpan.FromSeconds(1));
        var stale = Probes.Latest(probe);

        Assert.Equal(("1", "1", "2"), (first, recent, stale));
        Assert.Equal([thread, thread], probedOn);
    }

    [Fact]
    public void Latest_WhatTheBackgroundPolicyUses_IsNotUsed()
    {
        var probe = new Probe<string>("k", () => "probed", MaxAge) { Kept = () => "kept", Assumed = "assumed" };

        Probes.Start(probe);

        Assert.Equal("probed", Probes.Latest(probe));
    }

    [Fact]
    public void Latest_ProbeFails_TheCallersFailureAndNothingKept()
    {
        var fail = true;
        var probe = new Probe<string>("k", () => fail ? throw new InvalidOperationException("nvidia-smi broke") : "found", MaxAge);

        Assert.Throws<InvalidOperationException>(() => Probes.Latest(probe));
        fail = false;

        Assert.Equal("found", Probes.Latest(probe));
    }

    [Fact]
    public void LatestAll_StaleOnesProbedAtOnce_RecentOnesNot()
    {
        // Each of the two stale probes waits for the other to start: probed one after the other, they would time out.
        using var both = new CountdownEvent(2);
        Probe<string> Waiting(string key) => new(key, () =>
        {
            Interlocked.Increment(ref _probes);
            both.Signal();
            return both.Wait(ManualTime.Limit) ? $"{key} probed" : $"{key} waited alone";
        }, MaxAge);
        var recent = new Probe<string>("ssh/recent", () => $"recent {Interlocked.Increment(ref _probes)}", MaxAge);
        Probes.Latest(recent);

        var answers = Probes.LatestAll([Waiting("ssh/a"), recent, Waiting("ssh/b")]);

        Assert.Equal(["ssh/a probed", "recent 1", "ssh/b probed"], answers);
        Assert.Equal(3, _probes);
    }

    [Fact]
    public void Retain_KeysNoLongerThere_ProbedAfresh()
    {
        var gpu1 = new Probe<string>("ssh/gpu1", () => $"gpu1 {++_probes}", MaxAge);
        var gpu2 = new Probe<string>("ssh/gpu2", () => $"gpu2 {++_probes}", MaxAge);
        Probes.Latest(gpu1);
        Probes.Latest(gpu2);

        Probes.Retain("ssh/", ["ssh/gpu1"]);

        Assert.Equal(("gpu1 1", "gpu2 3"), (Probes.Latest(gpu1), Probes.Latest(gpu2)));
    }
}
