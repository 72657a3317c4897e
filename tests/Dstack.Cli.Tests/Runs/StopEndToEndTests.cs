using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// How runs end from outside: <c>dstack stop</c> and <c>stop -x</c> against jobs that ignore SIGTERM, two stops at
/// once, a controller that is killed, and a job that leaves a background process behind. Nothing may be left running.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class StopEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task StopAbort_JobIgnoringSigterm_IsKilledAtOnce()
    {
        await SubmitStubbornAsync("stubborn", stopDuration: "60s");

        var clock = Stopwatch.StartNew();
        var stop = await _sandbox.RunAsync("stop", "stubborn", "-x", "-y");
        clock.Stop();

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stop -x took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("stubborn", TimeSpan.FromSeconds(5)));
        var record = await _sandbox.RunRecordAsync("stubborn");
        Assert.Equal("aborted", record.GetProperty("status").GetString());
        Assert.Equal("aborted_by_user", record.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Stop_JobIgnoringSigterm_IsKilledAfterStopDuration()
    {
        await SubmitStubbornAsync("patient", stopDuration: "2s");

        var clock = Stopwatch.StartNew();
        var stop = await _sandbox.RunAsync("stop", "patient", "-y");
        clock.Stop();

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(15));
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("patient", TimeSpan.FromSeconds(5)));
        var record = await _sandbox.RunRecordAsync("patient");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Contains("did not stop within stop_duration", (await _sandbox.RunAsync("logs", "patient")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JobLeavesABackgroundProcess_NothingIsLeftWhenTheRunEnds()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: leaver\ncommands:\n  - sleep 300 &\n  - echo parent-done\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("parent-done", result.Output, StringComparison.Ordinal);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("leaver", TimeSpan.FromSeconds(2)));
        Assert.Equal("done", (await _sandbox.RunRecordAsync("leaver")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stop_JobDetachedProcesses_SetsidDoubleForkAndNohup_AreAllEnded()
    {
        var marker = "detach-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            _sandbox.Write(".dstack.yml", $"type: task\nname: detacher\ncommands:\n{DetachedProcesses.Commands(marker)}  - echo ready\n  - sleep 300\n");
            var submitted = await _sandbox.RunAsync("run", "-y", "-d");
            Assert.True(submitted.Code == 0, submitted.ToString());
            await _sandbox.WaitForLogsAsync("detacher", "ready", Limit);
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 3, Limit), $"expected 3 detached processes, saw {DetachedProcesses.Find(marker).Count}");

            var stop = await _sandbox.RunAsync("stop", "detacher", "-y");

            Assert.True(stop.Code == 0, stop.ToString());
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(5)), $"left running after dstack stop: {string.Join(", ", DetachedProcesses.Find(marker))}");
            Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("detacher", TimeSpan.FromSeconds(5)));
            Assert.Equal("terminated", (await _sandbox.RunRecordAsync("detacher")).GetProperty("status").GetString());
        }
        finally
        {
            DetachedProcesses.Kill(marker);
        }
    }

    [Fact]
    public async Task Run_JobDetachesProcesses_NothingOfThemIsLeftWhenTheRunEnds()
    {
        var marker = "detach-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            _sandbox.Write(".dstack.yml", $"type: task\nname: leaver2\ncommands:\n{DetachedProcesses.Commands(marker)}  - sleep 0.5\n  - echo parent-done\n");

            var result = await _sandbox.RunAsync("run", "-y");

            Assert.True(result.Code == 0, result.ToString());
            Assert.Contains("parent-done", result.Output, StringComparison.Ordinal);
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(5)), $"left running after the run ended: {string.Join(", ", DetachedProcesses.Find(marker))}");
            Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("leaver2", TimeSpan.FromSeconds(2)));
            Assert.Equal("done", (await _sandbox.RunRecordAsync("leaver2")).GetProperty("status").GetString());
        }
        finally
        {
            DetachedProcesses.Kill(marker);
        }
    }

    [Fact]
    public async Task StopAbort_ControllerDoesNotAnswer_EndsTheRunAnyway_AndNeverSuggestsStopAbort()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: frozen\ncommands:\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("frozen", "ready", Limit);
        var controller = _sandbox.FindRun("frozen")?.ControllerPid;
        Assert.NotNull(controller);
        const int Stop = 19;
        Assert.True(Signals.SignalProcess(controller.Value, Stop));

        var clock = Stopwatch.StartNew();
        var abort = await _sandbox.RunAsync("stop", "frozen", "-x", "-y");
        clock.Stop();

        Assert.True(abort.Code == 0, abort.ToString());
        Assert.DoesNotContain("stop -x", abort.Output + abort.Error, StringComparison.Ordinal);
        Assert.Contains("frozen aborted", abort.Output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"stop -x took {clock.Elapsed.TotalSeconds:0.0} s");
        var record = await _sandbox.RunRecordAsync("frozen");
        Assert.Equal("aborted", record.GetProperty("status").GetString());
        Assert.Equal("aborted_by_user", record.GetProperty("reason").GetString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("frozen", TimeSpan.FromSeconds(5)));
        await WaitUntilGoneAsync(controller.Value);
    }

    [Fact]
    public async Task Run_SubmittedFromInsideAJob_ItsControllerDoesNotCarryThatJobsToken()
    {
        // As if typed in a job's terminal: the CLI has the outer job's token, which a stop of that job signals.
        var outer = "outer-" + Guid.NewGuid().ToString("N")[..12];
        _sandbox.Environment[JobProcess.TokenVariable] = outer;
        _sandbox.Write(".dstack.yml", "type: task\nname: inner\ncommands:\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("inner", "ready", Limit);

        Assert.False(MarkedProcesses.AnyAlive(JobProcess.TokenVariable, outer), "the inner run's controller or job carries the outer job's token");
        Assert.True(_sandbox.FindRun("inner")?.ControllerPid is { } controller && Signals.IsAlive(controller));
        Assert.True((await _sandbox.RunAsync("stop", "inner", "-x", "-y")).Code == 0);
    }

    [Fact]
    public async Task Stop_TwoAtOnce_BothSucceedAndTheRunEndsOnce()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: twice\ncommands:\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("twice", "ready", Limit);

        var first = _sandbox.Start("stop", "twice", "-y");
        var second = _sandbox.Start("stop", "twice", "-y");
        var listing = await _sandbox.RunAsync("ps", "-a", "--json");
        var results = new[] { await first.WaitAsync(Limit), await second.WaitAsync(Limit) };

        Assert.All(results, r => Assert.True(r.Code == 0, r.ToString()));
        Assert.True(listing.Code == 0, listing.ToString());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(listing.Output).RootElement.GetProperty("runs").ValueKind);
        var runs = (await _sandbox.RunsAsync()).EnumerateArray().ToList();
        var run = Assert.Single(runs);
        Assert.Equal("terminated", run.GetProperty("status").GetString());
        Assert.Equal("stopped_by_user", run.GetProperty("reason").GetString());
        Assert.Equal("terminated", Assert.Single(run.GetProperty("jobs").EnumerateArray()).GetProperty("status").GetString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("twice", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Ps_ControllerKilled_RunFailsWithControllerLostAndItsJobsAreKilled()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: orphan\ncommands:\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("orphan", "ready", Limit);
        var controller = _sandbox.FindRun("orphan")?.ControllerPid;
        Assert.NotNull(controller);
        Assert.NotEmpty(_sandbox.JobProcesses("orphan"));

        Signals.SignalProcess(controller.Value, Signals.Kill);
        await WaitUntilGoneAsync(controller.Value);
        var record = await _sandbox.RunRecordAsync("orphan");

        Assert.Equal("failed", record.GetProperty("status").GetString());
        Assert.Equal("controller_lost", record.GetProperty("reason").GetString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("orphan", TimeSpan.FromSeconds(5)));
    }

    /// <summary>A detached run whose job ignores SIGTERM (and so does its sleep, which inherits the ignored signal).</summary>
    private async Task SubmitStubbornAsync(string name, string stopDuration)
    {
        _sandbox.Write(".dstack.yml", $"type: task\nname: {name}\nstop_duration: {stopDuration}\ncommands:\n  - trap '' TERM\n  - echo ready\n  - sleep 300\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(name, "ready", Limit);
    }

    // Killed is not yet gone: the controller stays a zombie until its parent reaps it, and a zombie's command line is empty.
    private static async Task WaitUntilGoneAsync(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Signals.IsAlive(pid) && CommandLine(pid).Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the controller {pid} is still there 5 s after SIGKILL");
            await Task.Delay(20);
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
