using Microsoft.Build.Framework;

namespace Dstack.Tasks.Tests;

/// <summary>DstackStop with the real CLI, stopping runs that a detached DstackRun started, in a DSTACK_HOME of their own.</summary>
[Collection(LocalRunsCollection.Name)]
public sealed class DstackStopTests(IsolatedDstackHome home)
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", "")]
    [InlineData(null, "missing-file")]
    [InlineData(null, "empty-file")]
    public void Execute_NoRunNameAndNoRememberedRun_LogsErrorAndStartsNoProcess(string? runName, string? runNameFile)
    {
        using var folder = new TempFolder();
        var engine = new RecordingBuildEngine();
        var task = new DstackStop
        {
            BuildEngine = engine,
            // A CLI that is not there: had the task gone on to start it, it would have logged DSTK0004 as well.
            DstackCliPath = Path.Combine(folder.Path, "nowhere", "dstack.dll"),
            RunName = runName,
            RunNameFile = runNameFile switch
            {
                "missing-file" => Path.Combine(folder.Path, "obj", "last-run.txt"),
                "empty-file" => folder.Write("last-run.txt", ""),
                _ => runNameFile,
            },
        };

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSTK0006", error.Code);
        Assert.Contains("DstackRunName", error.Message, StringComparison.Ordinal);
        Assert.Equal("", task.StoppedRunName);
    }

    [Theory]
    [InlineData(false, "terminated", "stopped_by_user")]
    [InlineData(true, "aborted", "aborted_by_user")]
    public void Execute_RunNameFileOfADetachedRun_StopsTheRunAndItsProcesses(bool abort, string status, string reason)
    {
        var name = abort ? "detached-aborted" : "detached-stopped";
        using var project = new TempFolder();
        var pidFile = Path.Combine(project.Path, "sleep.pid");
        project.Write(".dstack.yml", $"type: task\nname: {name}\ncommands:\n  - sleep 100 & echo $! > {pidFile}; wait\n");
        var runEngine = new RecordingBuildEngine();
        var run = new DstackRun
        {
            BuildEngine = runEngine,
            DstackCliPath = TestPaths.CliDll,
            ProjectDirectory = project.Path,
            RunNameFile = Path.Combine(project.Path, "obj", "dstack", "last-run.txt"),
            Detach = "true",
        };
        Assert.True(Bounded.Execute(run, Bounded.RunLimit), runEngine.ToString());
        Assert.Equal(name, run.SubmittedRunName);
        Bounded.WaitUntil(() => ProcessTable.ReadPid(pidFile) is not null, Bounded.RunLimit, "the detached job to start sleep 100");
        var sleepPid = ProcessTable.ReadPid(pidFile)!.Value;
        Assert.True(ProcessTable.IsAlive(sleepPid), "the detached job's sleep ended before it was stopped");
        IReadOnlyList<int> jobPids = [];
        Bounded.WaitUntil(() => (jobPids = home.FindRun(name)?.JobPids ?? []).Count > 0, Bounded.RunLimit, "the state to record the job's process");

        var engine = new RecordingBuildEngine();
        var stop = new DstackStop
        {
            BuildEngine = engine,
            DstackCliPath = TestPaths.CliDll,
            RunName = " ",
            RunNameFile = run.RunNameFile,
            Abort = abort,
            Timeout = (int)Bounded.RunLimit.TotalMilliseconds,
        };

        Assert.True(Bounded.Execute(stop, Bounded.RunLimit), engine.ToString());

        Assert.Equal(name, stop.StoppedRunName);
        Assert.Empty(engine.Errors);
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.High && m.Message == $"{name} {status}.");
        Assert.Contains(engine.Messages, m => m.Message!.Contains($"stop {name} -y{(abort ? " -x" : "")}", StringComparison.Ordinal));
        var state = home.FindRun(name);
        Assert.Equal((status, reason), (state?.Status, state?.Reason));
        int[] pids = [sleepPid, .. jobPids];
        Assert.Equal(2, pids.Length);
        Bounded.WaitUntil(() => !pids.Any(ProcessTable.IsAlive), TimeSpan.FromSeconds(10), $"the job's processes {string.Join(", ", pids)} to end");
    }

    [Fact]
    public void Execute_RunNameAndRunNameFile_StopsTheNamedRun()
    {
        using var folder = new TempFolder();
        var engine = new RecordingBuildEngine();
        var stop = new DstackStop
        {
            BuildEngine = engine,
            DstackCliPath = TestPaths.CliDll,
            RunName = " no-such-run ",
            RunNameFile = folder.Write("last-run.txt", "remembered-run\n"),
            Timeout = (int)Bounded.RunLimit.TotalMilliseconds,
        };

        Assert.False(Bounded.Execute(stop, Bounded.RunLimit));

        Assert.Equal("no-such-run", stop.StoppedRunName);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSTK3008", error.Code);
        Assert.Contains("no run named no-such-run", error.Message, StringComparison.Ordinal);
        Assert.Null(home.FindRun("no-such-run"));
    }
}
