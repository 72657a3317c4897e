using System.Diagnostics;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// Tasks with <c>image:</c> on a real Docker engine: an abort, and the kill at the end of stop_duration, remove the
/// container; nothing is left in <c>docker ps -a</c>; a container of the same name that is not the job's is left alone.
/// (More in <c>tests/Dstack.Cli.Tests/Containers/</c>.)
/// </summary>
[Collection(RunCollection.Name)]
public sealed class ContainerStopEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();
    private readonly string _name = "ctr-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        _sandbox.Dispose();
        ProgramOutput.Run("docker", ["rm", "--force", Container], null, TimeSpan.FromSeconds(30));
    }

    private string Container => $"dstack-{_name}-0";

    [DockerFact]
    public async Task StopAbort_ContainerTask_LeavesNoContainer()
    {
        await SubmitStubbornAsync(stopDuration: "60s");
        Assert.True(ContainerExists(), $"{Container} is not in docker ps -a while the job runs");

        var clock = Stopwatch.StartNew();
        var stop = await _sandbox.RunAsync("stop", _name, "-x", "-y");
        clock.Stop();

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stop -x took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.False(ContainerExists(), $"{Container} is still in docker ps -a after dstack stop -x");
        Assert.Equal("aborted", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync(_name, TimeSpan.FromSeconds(5)));
    }

    [DockerFact]
    public async Task Run_ContainerOfTheSameNameFromAnotherStateFolder_IsLeftAlone()
    {
        // Another $DSTACK_HOME's (or user's) run of the same name: its container has the name but not this job's token.
        var foreign = ProgramOutput.Run("docker", ["run", "-d", "--name", Container, "--label", "dstack.job=someone-else", DockerFactAttribute.Image, "sleep", "300"], null, TimeSpan.FromSeconds(30));
        Assert.True(foreign.ExitCode == 0, foreign.Error);
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\ncommands:\n  - echo mine\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.NotEqual(0, run.Code); // the engine refuses the name that is taken
        Assert.True(ContainerRunning(), $"{Container} of the other state folder was stopped or removed: {run}");
    }

    [DockerFact]
    public async Task Stop_ContainerIgnoringSigterm_IsKilledAndRemovedAfterStopDuration()
    {
        await SubmitStubbornAsync(stopDuration: "2s");

        var stop = await _sandbox.RunAsync("stop", _name, "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.False(ContainerExists(), $"{Container} is still in docker ps -a after dstack stop");
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        Assert.Contains("did not stop within stop_duration", (await _sandbox.RunAsync("logs", _name)).Error, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Stop_ContainerTask_GetsSigtermInTheContainer_AndEndsOnItsOwn()
    {
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\nstop_duration: 60s\ncommands:\n  - trap 'echo got-sigterm; exit 0' TERM; echo ready; sleep 300 & wait $!\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);

        var clock = Stopwatch.StartNew();
        var stop = await _sandbox.RunAsync("stop", _name, "-y");
        clock.Stop();

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stop took {clock.Elapsed.TotalSeconds:0.0} s");
        var logs = await _sandbox.RunAsync("logs", _name);
        Assert.True(logs.Output.Split('\n').Count(l => l.Contains("got-sigterm", StringComparison.Ordinal)) == 1, logs.ToString());
        Assert.False(ContainerExists());
    }

    /// <summary>A detached container task whose job ignores SIGTERM.</summary>
    private async Task SubmitStubbornAsync(string stopDuration)
    {
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\nstop_duration: {stopDuration}\ncommands:\n  - trap '' TERM\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);
    }

    private bool ContainerExists()
    {
        var listing = ProgramOutput.Run("docker", ["ps", "-a", "-q", "--filter", $"name=^{Container}$"], null, TimeSpan.FromSeconds(30));
        Assert.True(listing.ExitCode == 0, listing.Error);
        return listing.Output.Trim().Length > 0;
    }

    private bool ContainerRunning()
    {
        var listing = ProgramOutput.Run("docker", ["ps", "-q", "--filter", $"name=^{Container}$", "--filter", "status=running"], null, TimeSpan.FromSeconds(30));
        Assert.True(listing.ExitCode == 0, listing.Error);
        return listing.Output.Trim().Length > 0;
    }
}
