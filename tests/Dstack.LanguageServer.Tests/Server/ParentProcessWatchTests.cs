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

        // `sleep 0` ends at once, but its parent (the shell, replaced by `sleep 60`) never reaps it: a zombie whose pid
        // still shows in /proc, which a check of /proc/PID alone would take for a running editor.
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("sleep 0 & echo $!; exec sleep 60");
        using var shell = Process.Start(start)!;
        try
        {
            var zombie = int.Parse(await shell.StandardOutput.ReadLineAsync().WaitAsync(Bounded.Limit) ?? "", System.Globalization.CultureInfo.InvariantCulture);
            await Bounded.UntilAsync(() => File.ReadAllText($"/proc/{zombie}/stat").Contains(") Z ", StringComparison.Ordinal), $"process {zombie} to become a zombie");

            Assert.True(Directory.Exists($"/proc/{zombie}"));
            Assert.False(ParentProcessWatch.IsRunning(zombie));
            Assert.Null(ParentProcessWatch.Start(zombie, () => Task.CompletedTask, Fast));
        }
        finally
        {
            shell.Kill();
        }
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
