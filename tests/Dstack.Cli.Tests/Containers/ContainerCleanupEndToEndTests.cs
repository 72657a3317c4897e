using System.Diagnostics;
using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// However a container task ends (on its own, <c>dstack stop</c>, <c>stop -x</c>, Ctrl+C of the attached
/// <c>dstack run</c>, the kill at the end of stop_duration), the engine keeps nothing of it: no container, and not the
/// anonymous volume its image's VOLUME made. The image is this class's own (<see cref="VolumeImageFixture"/>).
/// </summary>
[Collection(RunCollection.Name)]
public sealed class ContainerCleanupEndToEndTests(VolumeImageFixture image) : IClassFixture<VolumeImageFixture>, IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();
    private readonly string _name = "cc-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>
    /// A job whose program (not the script's shell: a child of it, as <c>python train.py</c> between <c>pip install</c>
    /// and more commands) takes a second to say goodbye on SIGTERM: the stop's signal must reach it, as it does without
    /// an image, and the container must last until it is done, without going on to the next command.
    /// </summary>
    private const string GracefulProgram = "echo ready\n  - sh -c \"trap 'sleep 1; echo got-sigterm; exit 0' TERM; sleep 300 & wait \\$!\"\n  - echo not-reached\n";

    private string Container => $"dstack-{_name}-0";

    public void Dispose()
    {
        _sandbox.Dispose();
        if (DockerFactAttribute.Available)
        {
            EngineState.RemoveContainers(_name);
        }
    }

    [DockerFact]
    public async Task Run_JobEnds_NoContainerNoVolume()
    {
        WriteTask("echo ready\n  - while [ ! -e /workflow/go ]; do sleep 0.1; done\n");

        var run = _sandbox.Start("run", "-y");
        await run.WaitForTextAsync("ready", Limit);
        var volume = VolumeOfTheJob();
        File.WriteAllText(Path.Combine(_sandbox.Home, "runs", _name, "code", "job-0", "go"), string.Empty);
        var result = await run.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        AssertNothingLeft(volume);
    }

    [DockerFact]
    public async Task Stop_LeavesNoContainerNoVolume()
    {
        WriteTask(GracefulProgram);
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);
        var volume = VolumeOfTheJob();

        var stop = await _sandbox.RunAsync("stop", _name, "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        AssertNothingLeft(volume);
        var logs = (await _sandbox.RunAsync("logs", _name)).Output;
        Assert.Contains("got-sigterm", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("not-reached", logs, StringComparison.Ordinal);
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
    }

    [DockerFact]
    public async Task StopAbort_LeavesNoContainerNoVolume()
    {
        WriteTask("trap '' TERM\n  - echo ready\n  - sleep 300\n", stopDuration: "60s");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);
        var volume = VolumeOfTheJob();

        var clock = Stopwatch.StartNew();
        var stop = await _sandbox.RunAsync("stop", _name, "-x", "-y");
        clock.Stop();

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stop -x took {clock.Elapsed.TotalSeconds:0.0} s");
        AssertNothingLeft(volume);
        Assert.Equal("aborted", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
    }

    [DockerFact]
    public async Task CtrlC_AttachedRun_StopsTheJob_LeavesNoContainerNoVolume()
    {
        WriteTask(GracefulProgram);

        var run = _sandbox.Start("run", "-y");
        await run.WaitForTextAsync("ready", Limit);
        var volume = VolumeOfTheJob();
        run.Interrupt();
        var result = await run.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("got-sigterm", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-reached", result.Output, StringComparison.Ordinal);
        AssertNothingLeft(volume);
    }

    [DockerFact]
    public async Task Stop_JobIgnoringSigterm_IsKilledAfterStopDuration_LeavesNoContainerNoVolume()
    {
        WriteTask("trap '' TERM\n  - echo ready\n  - sleep 300\n", stopDuration: "2s");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);
        var volume = VolumeOfTheJob();

        var clock = Stopwatch.StartNew();
        var stop = await _sandbox.RunAsync("stop", _name, "-y");
        clock.Stop();

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9) && clock.Elapsed < TimeSpan.FromSeconds(20), $"stop took {clock.Elapsed.TotalSeconds:0.0} s with stop_duration: 2s");
        AssertNothingLeft(volume);
        Assert.Contains("did not stop within stop_duration", (await _sandbox.RunAsync("logs", _name)).Error, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task ControllerKilled_NextCliStart_RemovesTheContainerAndVolume()
    {
        WriteTask("echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);
        var volume = VolumeOfTheJob();
        var controller = _sandbox.FindRun(_name)?.ControllerPid ?? throw new Xunit.Sdk.XunitException($"{_name} has no controller pid");

        Dstack.Runtime.Processes.Signals.SignalProcess(controller, Dstack.Runtime.Processes.Signals.Kill);
        await WaitUntilGoneAsync(controller);
        var ps = await _sandbox.RunAsync("ps", "-a");

        Assert.True(ps.Code == 0, ps.ToString());
        AssertNothingLeft(volume);
        Assert.Equal("failed", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
    }

    [DockerFact]
    public async Task CtrlC_WhileTheImageIsPulled_StopsTheRunAtOnce()
    {
        // A "registry" on loopback that takes the engine's connection and never answers: the pull hangs.
        using var registry = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        registry.Start();
        var port = ((System.Net.IPEndPoint)registry.LocalEndpoint).Port;
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: 127.0.0.1:{port}/hangs:1\ncommands:\n  - echo never-started\n");

        var run = _sandbox.Start("run", "-y");
        using var engineAsked = await registry.AcceptTcpClientAsync().WaitAsync(Limit);
        await run.WaitForTextAsync($"dstack: pulling 127.0.0.1:{port}/hangs:1 on this machine", Limit);
        var clock = Stopwatch.StartNew();
        run.Interrupt();
        var result = await run.WaitAsync(Limit);
        clock.Stop();

        Assert.True(result.Code == 130, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the run took {clock.Elapsed.TotalSeconds:0.0} s to stop during the pull:\n{result}");
        Assert.DoesNotContain("never-started", result.Output, StringComparison.Ordinal);
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        Assert.Empty(EngineState.Containers(_name));
    }

    private static async Task WaitUntilGoneAsync(int pid)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (IsAlive(pid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the controller {pid} did not end after SIGKILL");
            await Task.Delay(20);
        }
    }

    /// <summary>A live process (a zombie waiting for its parent counts as gone).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The task on this class's image: <paramref name="commands"/> (the first list item's text, then more items).</summary>
    private void WriteTask(string commands, string stopDuration = "60s") =>
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {image.Image}\nstop_duration: {stopDuration}\ncommands:\n  - {commands}");

    /// <summary>The anonymous volume of the running job's container (the image's <c>/scratch</c>).</summary>
    private string VolumeOfTheJob()
    {
        var volume = Assert.Single(EngineState.AnonymousVolumes(Container));
        Assert.True(EngineState.VolumeExists(volume));
        return volume;
    }

    private void AssertNothingLeft(string volume)
    {
        Assert.Empty(EngineState.Containers(_name));
        Assert.False(EngineState.VolumeExists(volume), $"the anonymous volume {volume} of {Container} is still there");
    }
}
