using System.Diagnostics;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

public sealed class ParentProcessWatchTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void IsRunning_ThisProcessAndAStartedOne_True()
    {
        using var sleeper = new Sleeper();

        Assert.True(ParentProcessWatch.IsRunning(Environment.ProcessId));
        Assert.True(ParentProcessWatch.IsRunning(sleeper.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void IsRunning_NoSuchProcess_False(int processId) => Assert.False(ParentProcessWatch.IsRunning(processId));

    [Fact]
    public void IsRunning_KilledProcess_False()
    {
        using var sleeper = new Sleeper();
        sleeper.Kill();

        Assert.False(ParentProcessWatch.IsRunning(sleeper.Id));
    }

    [Fact]
    public async Task IsRunning_Zombie_False()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Exited but never reaped: its pid still shows in /proc, which a check of /proc/PID alone would take for a
        // running editor.
        using var zombie = await Zombie.StartAsync();

        Assert.Equal("Z", zombie.State());
        Assert.False(ParentProcessWatch.IsRunning(zombie.Id));
        Assert.Null(ParentProcessWatch.Start(zombie.Id, () => Task.CompletedTask, Fast));
        Assert.Equal("Z", zombie.State());
    }

    [Fact]
    public async Task Zombie_ParentShellWaitsBeforeItStopsReaping_IsStillAZombie()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A shell that waits for anything reaps every child that has exited: a child that exits at once would be gone
        // from /proc (the race that made IsRunning_Zombie_False fail on a busy machine). This child outlives the shell.
        using var zombie = await Zombie.StartAsync(parentDelay: Fast * 4);

        Assert.Equal("Z", zombie.State());
        Assert.False(ParentProcessWatch.IsRunning(zombie.Id));
    }

    [Fact]
    public void Start_NoSuchProcess_ReturnsNull()
    {
        using var sleeper = new Sleeper();
        sleeper.Kill();

        Assert.Null(ParentProcessWatch.Start(sleeper.Id, () => Task.CompletedTask, Fast));
    }

    [Fact]
    public async Task Start_ProcessEnds_CallsBackOnce()
    {
        using var sleeper = new Sleeper();
        var calls = 0;
        using var watch = ParentProcessWatch.Start(sleeper.Id, () => Task.FromResult(Interlocked.Increment(ref calls)), Fast);
        Assert.NotNull(watch);
        await Task.Delay(Fast * 4);
        Assert.Equal(0, Volatile.Read(ref calls));

        sleeper.Kill();
        await Bounded.UntilAsync(() => Volatile.Read(ref calls) > 0, "the callback after the process was killed");
        await Task.Delay(Fast * 4);

        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.Equal(sleeper.Id, watch.ProcessId);
    }

    [Fact]
    public async Task Dispose_BeforeTheProcessEnds_NeverCallsBack()
    {
        using var sleeper = new Sleeper();
        var calls = 0;
        var watch = ParentProcessWatch.Start(sleeper.Id, () => Task.FromResult(Interlocked.Increment(ref calls)), Fast);
        Assert.NotNull(watch);

        watch.Dispose();
        sleeper.Kill();
        await Task.Delay(Fast * 6);

        Assert.Equal(0, Volatile.Read(ref calls));
    }
}
