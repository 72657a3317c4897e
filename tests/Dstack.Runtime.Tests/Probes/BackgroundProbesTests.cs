using Dstack.Runtime.Probes;

namespace Dstack.Runtime.Tests.Probes;

/// <summary>
/// The editor's probes: an ask never waits for a probe (but the very first of one that needs an answer), a stale answer
/// is still given while a new one is probed in the background, one probe at a time per key, and <c>changed</c> is
/// called when a probe changes what a request shows.
/// </summary>
[Trait("Category", "Fast")]
public sealed class BackgroundProbesTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly ManualTime _time = new();
    private int _probes;
    private int _changes;

    public BackgroundProbesTests() => Probes = new BackgroundProbes(_time, () => Interlocked.Increment(ref _changes));

    private BackgroundProbes Probes { get; }

    [Fact]
    public void Latest_WaitForFirst_Repeatedly_ProbesOnce()
    {
        var probe = Counted() with { WaitForFirst = true };

        var first = Probes.Latest(probe);
        _time.Advance(MaxAge - TimeSpan.FromSeconds(1));
        var second = Probes.Latest(probe);

        Assert.Equal(1, _probes);
        Assert.Equal("1", first);
        Assert.Same(first, second);
        Assert.True(Probes.Refreshing.IsCompleted);
    }

    [Fact]
    public async Task Latest_AfterMaxAge_AnswersTheOldAnswerAndProbesInTheBackground()
    {
        var probe = Counted() with { WaitForFirst = true };
        var first = Probes.Latest(probe);
        _time.Advance(MaxAge);

        var stale = Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        var fresh = Probes.Latest(probe);

        Assert.Same(first, stale);
        Assert.Equal(("1", "2"), (first, fresh));
        Assert.Equal(2, _probes);
    }

    [Fact]
    public async Task Latest_ManyAsksWhileStale_OneProbe()
    {
        using var gate = new ManualResetEventSlim();
        var probe = new Probe<string>("k", () => Interlocked.Increment(ref _probes) > 1 && gate.Wait(ManualTime.Limit) ? "later" : "first", MaxAge) { WaitForFirst = true };
        Probes.Latest(probe);
        _time.Advance(TimeSpan.FromMinutes(5));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("first", Probes.Latest(probe));
        }

        gate.Set();
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        Assert.Equal(2, _probes);
    }

    [Fact]
    public async Task Latest_ProbeFails_KeepsTheLastAnswerAndWaitsAWholeMaxAge()
    {
        var fail = false;
        var probe = new Probe<string>("k", () => fail ? throw new InvalidOperationException("nvidia-smi broke") : $"{++_probes}", MaxAge) { WaitForFirst = true };
        var first = Probes.Latest(probe);
        fail = true;
        _time.Advance(MaxAge + TimeSpan.FromSeconds(1));

        Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        var afterFailure = Probes.Latest(probe);

        Assert.Same(first, afterFailure);
        Assert.True(Probes.Refreshing.IsCompleted, "a failed probe is not tried again at once");
    }

    [Fact]
    public void Latest_WaitForFirst_TheFirstProbeFails_TheAskGetsItsFailureAndTheNextProbesAgain()
    {
        var probe = new Probe<string>("k", () => Interlocked.Increment(ref _probes) == 1 ? throw new InvalidOperationException("nvidia-smi broke") : "found", MaxAge) { WaitForFirst = true };

        var failure = Assert.Throws<InvalidOperationException>(() => Probes.Latest(probe));
        var again = Probes.Latest(probe);

        Assert.Equal("nvidia-smi broke", failure.Message);
        Assert.Equal(("found", 2), (again, _probes));
    }

    [Fact]
    public async Task Latest_WhileTheFirstProbeHangs_NullAtOnce_ThenTheAnswerAndChangedOnce()
    {
        using var release = new ManualResetEventSlim();
        var probe = new Probe<string>("ssh/gpu1", () => release.Wait(ManualTime.Limit) ? $"{Interlocked.Increment(ref _probes)} cores" : "timed out", MaxAge) { Shown = a => a };

        var first = Probes.Latest(probe);
        var probing = Probes.Refreshing;
        var again = Probes.Latest(probe);
        Assert.False(probing.IsCompleted, "the probe is still waiting");
        release.Set();
        await probing.WaitAsync(ManualTime.Limit);
        var later = Probes.Latest(probe);

        Assert.Equal((null, null, "1 cores"), (first, again, later));
        Assert.Equal((1, 1), (_probes, _changes));
    }

    [Fact]
    public async Task Latest_AProbeThatShowsTheSame_NoChange()
    {
        var cores = 8;
        var probe = new Probe<string>("ssh/gpu1", () => $"{Interlocked.Increment(ref _probes)}:{cores} cores", MaxAge) { Shown = a => a[(a.IndexOf(':', StringComparison.Ordinal) + 1)..] };
        Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);

        _time.Advance(MaxAge);
        Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        var same = Probes.Latest(probe);
        cores = 16;
        _time.Advance(MaxAge);
        Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        var changed = Probes.Latest(probe);

        Assert.Equal(("2:8 cores", "3:16 cores"), (same, changed));
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Latest_KeptElsewhere_AnsweredAtOnceAsProbedNow()
    {
        var probe = Counted() with { Kept = () => "kept by another process" };

        var first = Probes.Latest(probe);
        _time.Advance(MaxAge - TimeSpan.FromSeconds(1));
        var again = Probes.Latest(probe);

        Assert.Equal(("kept by another process", "kept by another process"), (first, again));
        Assert.Equal((0, 0), (_probes, _changes));
        Assert.True(Probes.Refreshing.IsCompleted, "nothing is probed before the kept answer is stale");
    }

    [Fact]
    public async Task Latest_Assumed_AnsweredUntilTheFirstProbe_WhichChangesNothingWhenItFindsTheSame()
    {
        var found = "none";
        var probe = new Probe<string>("runs/in-use", () => found, MaxAge) { Assumed = "none", Shown = a => a };

        var first = Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        found = "brave-otter-1";
        _time.Advance(MaxAge);
        Probes.Latest(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);

        Assert.Equal(("none", "brave-otter-1"), (first, Probes.Latest(probe)));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public async Task Retain_KeysNoLongerThere_ForgottenAndProbedAfreshWhenAskedAgain()
    {
        var gpu1 = new Probe<string>("ssh/gpu1", () => $"gpu1 {Interlocked.Increment(ref _probes)}", MaxAge);
        var gpu2 = new Probe<string>("ssh/gpu2", () => $"gpu2 {Interlocked.Increment(ref _probes)}", MaxAge);
        var machine = new Probe<string>("local/machine", () => $"machine {Interlocked.Increment(ref _probes)}", MaxAge);
        Probes.LatestAll([gpu1, gpu2]);
        Probes.Latest(machine);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);

        Probes.Retain("ssh/", ["ssh/gpu1"]);
        var gpu1Kept = Probes.Latest(gpu1);
        var machineKept = Probes.Latest(machine);
        var forgotten = Probes.Latest(gpu2);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);

        Assert.StartsWith("gpu1 ", gpu1Kept, StringComparison.Ordinal);
        Assert.StartsWith("machine ", machineKept, StringComparison.Ordinal);
        Assert.Null(forgotten);
        Assert.Equal("gpu2 4", Probes.Latest(gpu2));
    }

    [Fact]
    public async Task Start_ProbesBeforeTheFirstAsk_WhichGetsItsAnswer()
    {
        var probe = Counted() with { WaitForFirst = true };

        Probes.Start(probe);
        await Probes.Refreshing.WaitAsync(ManualTime.Limit);
        Probes.Start(probe);

        Assert.Equal("1", Probes.Latest(probe));
        Assert.Equal(1, _probes);
    }

    /// <summary>A probe that answers how many probes there have been.</summary>
    private Probe<string> Counted() => new("k", () => $"{Interlocked.Increment(ref _probes)}", MaxAge);
}
