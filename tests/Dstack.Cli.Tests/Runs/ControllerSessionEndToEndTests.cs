using System.Diagnostics;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// The controller `dstack run` starts (directly, no `sh`/`setsid`: OwnSession) leaves its starter's terminal and
/// output at once: a detached run's caller sees the end of dstack's output when dstack exits, not when the job ends.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class ControllerSessionEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task DetachedRun_ItsCallersPipesEndWithDstack_AndTheControllerLeadsASessionOfItsOwn()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: sessioned\ncommands:\n  - sleep 120\n");

        var clock = Stopwatch.StartNew();
        var process = _sandbox.Start("run", "-y", "-d");
        // WaitAsync reads both pipes to their end: a controller holding a copy of either would keep them open for the
        // job's 120 s, and the wait fails after 10 s.
        var submitted = await process.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(submitted.Code == 0, submitted.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), $"dstack's output ended after {clock.Elapsed.TotalSeconds:0.0} s");

        var controller = _sandbox.FindRun("sessioned")?.ControllerPid;
        Assert.True(controller is > 0, "the run has no controller");
        var stat = File.ReadAllText($"/proc/{controller}/stat");
        // pid (comm) state ppid pgrp session …: the fields after the command's closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(controller.ToString(), fields[2]);
        Assert.Equal(controller.ToString(), fields[3]);
        Assert.Equal("/dev/null", new FileInfo($"/proc/{controller}/fd/1").LinkTarget);
        Assert.Equal("/dev/null", new FileInfo($"/proc/{controller}/fd/2").LinkTarget);

        var stop = await _sandbox.RunAsync("stop", "sessioned", "-x", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("sessioned", TimeSpan.FromSeconds(10)));
    }
}
