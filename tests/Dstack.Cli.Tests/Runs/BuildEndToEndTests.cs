namespace Dstack.Cli.Tests.Runs;

/// <summary><c>dstack build</c> and the <c>build:</c> commands of a run: built once, reused, rebuilt on request, and a failed build stops the run.</summary>
[Collection(RunCollection.Name)]
public sealed class BuildEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Build_BuildsOnce_RunReusesIt_ForceBuildBuildsAgain()
    {
        var counter = Path.Combine(_sandbox.Tools, "builds-run");
        _sandbox.Write(".dstack.yml", $"type: task\nbuild:\n  - echo b >> {counter}\n  - mkdir -p deps && echo installed > deps/lib.txt\ncommands:\n  - echo \"job sees $(cat deps/lib.txt)\"\n");

        var build = await _sandbox.RunAsync("build", "-y");

        Assert.True(build.Code == 0, build.ToString());
        Assert.Contains("environment is ready", build.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("job sees", build.Output, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(counter));

        var reuse = await _sandbox.RunAsync("run", "-y");

        Assert.True(reuse.Code == 0, reuse.ToString());
        Assert.Contains("using the environment built", reuse.Error, StringComparison.Ordinal);
        Assert.Contains("job sees installed\n", reuse.Output, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(counter));

        var rebuild = await _sandbox.RunAsync("run", "-y", "--force-build");

        Assert.True(rebuild.Code == 0, rebuild.ToString());
        Assert.Contains("building the environment (--force-build)", rebuild.Error, StringComparison.Ordinal);
        Assert.Contains("job sees installed\n", rebuild.Output, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(counter).Length);
    }

    [Fact]
    public async Task StopAbort_DuringTheBuild_EndsTheRunAborted_KillsWhatTheBuildDetached_AndTheCommandsNeverRun()
    {
        var marker = "builddetach-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            _sandbox.Write(".dstack.yml", $"type: task\nname: builder\nbuild:\n{DetachedProcesses.Commands(marker)}  - echo building\n  - sleep 300\ncommands:\n  - echo job-ran\n");
            var submitted = await _sandbox.RunAsync("run", "-y", "-d");
            Assert.True(submitted.Code == 0, submitted.ToString());
            await _sandbox.WaitForLogsAsync("builder", "building", TimeSpan.FromSeconds(30));
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 3, TimeSpan.FromSeconds(10)));

            var stop = await _sandbox.RunAsync("stop", "builder", "-x", "-y");

            Assert.True(stop.Code == 0, stop.ToString());
            var record = await _sandbox.RunRecordAsync("builder");
            Assert.Equal("aborted", record.GetProperty("status").GetString());
            Assert.Equal("aborted_by_user", record.GetProperty("reason").GetString());
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(5)), "what the build detached is still running");
            Assert.DoesNotContain("job-ran", (await _sandbox.RunAsync("logs", "builder")).Output, StringComparison.Ordinal);
        }
        finally
        {
            DetachedProcesses.Kill(marker);
        }
    }

    [Fact]
    public async Task StopAbort_ControllerFrozenDuringTheBuild_KillsWhatTheBuildDetached()
    {
        var marker = "frozenbuild-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            _sandbox.Write(".dstack.yml", $"type: task\nname: frozen-build\nbuild:\n{DetachedProcesses.Commands(marker)}  - echo building\n  - sleep 300\ncommands:\n  - echo job-ran\n");
            var submitted = await _sandbox.RunAsync("run", "-y", "-d");
            Assert.True(submitted.Code == 0, submitted.ToString());
            await _sandbox.WaitForLogsAsync("frozen-build", "building", TimeSpan.FromSeconds(30));
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 3, TimeSpan.FromSeconds(10)));
            var controller = _sandbox.FindRun("frozen-build")?.ControllerPid;
            Assert.NotNull(controller);
            const int Freeze = 19;
            Assert.True(Dstack.Runtime.Processes.Signals.SignalProcess(controller.Value, Freeze));

            // The controller does not answer, and the build keeps no job record: the forced abort finds its processes by token.
            var stop = await _sandbox.RunAsync("stop", "frozen-build", "-x", "-y");

            Assert.True(stop.Code == 0, stop.ToString());
            Assert.Equal("aborted", (await _sandbox.RunRecordAsync("frozen-build")).GetProperty("status").GetString());
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(5)), "what the build detached is still running");
        }
        finally
        {
            DetachedProcesses.Kill(marker);
        }
    }

    [Fact]
    public async Task Run_FailingBuildCommand_FailsWithBuildFailed_AndTheCommandsNeverRun()
    {
        var marker = Path.Combine(_sandbox.Tools, "job-ran");
        _sandbox.Write(".dstack.yml", $"type: task\nname: broken\nbuild:\n  - echo building\n  - exit 4\ncommands:\n  - touch {marker}\n  - echo job-ran\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 4, result.ToString());
        Assert.Contains("building\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("job-ran", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the job's commands ran after a failed build");
        var record = await _sandbox.RunRecordAsync("broken");
        Assert.Equal("failed", record.GetProperty("status").GetString());
        Assert.Equal("build_failed", record.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Build_ConfigurationWithoutBuild_FailsWithAClearMessageAndRunsNothing()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo should-not-run\n");

        var result = await _sandbox.RunAsync("build", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("has no build commands", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }
}
