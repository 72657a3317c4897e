using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.LanguageServer.Tests.Offers;

/// <summary>
/// The local backend's facts as the editor keeps them: the machine, each Python lookup and the Docker probe are found
/// once, then answered at once and found again in the background when stale.
/// </summary>
[Trait("Category", "Fast")]
public sealed class KeptMachineFactsTests
{
    private readonly ManualTime _time = new();
    private int _pythonLookups;
    private int _dockerProbes;

    [Fact]
    public void Machine_FromTheMachineProbe()
    {
        var facts = Facts();

        Assert.Same(TestMachines.OneRtx4090, facts.Facts.Machine());
        Assert.Same(TestMachines.OneRtx4090, facts.Machine.Current());
    }

    [Fact]
    public void FindPython_SameVersionAndPath_LookedUpOnce()
    {
        var facts = Facts();

        var first = facts.Facts.FindPython("3.12", "/usr/bin");
        var again = facts.Facts.FindPython("3.12", "/usr/bin");
        var otherPath = facts.Facts.FindPython("3.12", "/opt/bin");
        var otherVersion = facts.Facts.FindPython("3.9", "/usr/bin");

        Assert.Same(first, again);
        Assert.Equal(TestMachines.PythonPath, otherPath.Executable);
        Assert.Null(otherVersion.Executable);
        Assert.Equal(3, _pythonLookups);
    }

    [Fact]
    public async Task FindPython_AfterMaxAge_AnswersTheOldLookupAndLooksUpInTheBackground()
    {
        var facts = Facts();
        var first = facts.Facts.FindPython("3.12", null);
        _time.Advance(facts.MaxAge);

        var stale = facts.Facts.FindPython("3.12", null);
        await facts.Refreshing.WaitAsync(Bounded.Limit);
        var fresh = facts.Facts.FindPython("3.12", null);

        Assert.Same(first, stale);
        Assert.NotSame(first, fresh);
        Assert.Equal(2, _pythonLookups);
    }

    [Fact]
    public async Task Docker_WhileAProbeHangs_AnswersTheLastProbeAtOnce()
    {
        using var release = new ManualResetEventSlim(initialState: true);
        var facts = new KeptMachineFacts(
            new MachineProbe(() => TestMachines.NoGpu, _time, MachineProbe.DefaultMaxAge),
            TestMachines.FindPython,
            () =>
            {
                release.Wait(Bounded.Limit);
                return Interlocked.Increment(ref _dockerProbes) == 1 ? TestMachines.DockerRunning : TestMachines.NoDocker;
            },
            _time,
            MachineProbe.DefaultMaxAge);
        var first = facts.Facts.Docker();
        release.Reset();
        _time.Advance(facts.MaxAge);

        var whileProbing = facts.Facts.Docker();
        var probing = facts.Refreshing;
        var again = facts.Facts.Docker();
        Assert.False(probing.IsCompleted, "the second probe waits for the engine");
        release.Set();
        await probing.WaitAsync(Bounded.Limit);
        var later = facts.Facts.Docker();

        Assert.Equal([TestMachines.DockerRunning, TestMachines.DockerRunning, TestMachines.DockerRunning, TestMachines.NoDocker], [first, whileProbing, again, later]);
        Assert.Equal(2, _dockerProbes);
    }

    [Fact]
    public void Docker_Repeatedly_ProbedOnce()
    {
        var facts = Facts();

        facts.Facts.Docker();
        _time.Advance(facts.MaxAge - TimeSpan.FromSeconds(1));
        facts.Facts.Docker();

        Assert.Equal(1, _dockerProbes);
        Assert.True(facts.Refreshing.IsCompleted);
    }

    private KeptMachineFacts Facts() => new(
        new MachineProbe(() => TestMachines.OneRtx4090, _time, MachineProbe.DefaultMaxAge),
        (version, path) =>
        {
            Interlocked.Increment(ref _pythonLookups);
            return TestMachines.FindPython(version, path) with { };
        },
        () =>
        {
            Interlocked.Increment(ref _dockerProbes);
            return TestMachines.DockerRunning;
        },
        _time,
        MachineProbe.DefaultMaxAge);

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
