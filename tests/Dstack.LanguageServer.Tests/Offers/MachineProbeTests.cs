using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Tests.Offers;

/// <summary>The machine is detected once, then refreshed in the background at most every <see cref="MachineProbe.MaxAge"/>.</summary>
[Trait("Category", "Fast")]
public sealed class MachineProbeTests
{
    private readonly ManualTime _time = new();
    private int _detections;

    [Fact]
    public void Current_Repeatedly_DetectsOnce()
    {
        var probe = Probe();

        var first = probe.Current();
        _time.Advance(TimeSpan.FromSeconds(59));
        var second = probe.Current();

        Assert.Equal(1, _detections);
        Assert.Same(first, second);
        Assert.True(probe.Refreshing.IsCompleted);
    }

    [Fact]
    public async Task Current_AfterMaxAge_AnswersTheOldValueAndRefreshesInTheBackground()
    {
        var probe = Probe();
        var first = probe.Current();
        _time.Advance(TimeSpan.FromSeconds(60));

        var stale = probe.Current();
        await probe.Refreshing.WaitAsync(Bounded.Limit);
        var fresh = probe.Current();

        Assert.Same(first, stale);
        Assert.Equal(2, _detections);
        Assert.Equal(2, fresh.Cpus);
    }

    [Fact]
    public async Task Current_ManyRequestsWhileStale_OneRefresh()
    {
        var gate = new TaskCompletionSource();
        var calls = 0;
        var probe = new MachineProbe(
            () =>
            {
                if (Interlocked.Increment(ref calls) > 1)
                {
                    gate.Task.Wait(Bounded.Limit);
                }

                return Machine(calls);
            },
            _time,
            MachineProbe.DefaultMaxAge);
        probe.Current();
        _time.Advance(TimeSpan.FromMinutes(5));

        for (var i = 0; i < 10; i++)
        {
            probe.Current();
        }

        gate.SetResult();
        await probe.Refreshing.WaitAsync(Bounded.Limit);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Current_RefreshFails_KeepsTheLastMachineAndWaitsAWholeMaxAge()
    {
        var fail = false;
        var probe = new MachineProbe(() => fail ? throw new InvalidOperationException("nvidia-smi broke") : Machine(++_detections), _time, MachineProbe.DefaultMaxAge);
        var first = probe.Current();
        fail = true;
        _time.Advance(TimeSpan.FromSeconds(61));

        probe.Current();
        await probe.Refreshing.WaitAsync(Bounded.Limit);
        var afterFailure = probe.Current();

        Assert.Same(first, afterFailure);
        Assert.True(probe.Refreshing.IsCompleted, "a failed refresh is not retried at once");
    }

    private MachineProbe Probe() => new(() => Machine(Interlocked.Increment(ref _detections)), _time, MachineProbe.DefaultMaxAge);

    private static MachineResources Machine(int cpus) => new(cpus, new Memory(16), new Memory(100), []);

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
