using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = System.Threading.Tasks.Task;

namespace Dstack.Tasks.Tests;

/// <summary>DstackRun with the real CLI: real runs of real jobs on this machine, in a DSTACK_HOME of their own.</summary>
[Collection(LocalRunsCollection.Name)]
public sealed class DstackRunTests(IsolatedDstackHome home)
{
    private static readonly TimeSpan CancelLimit = TimeSpan.FromMinutes(1);

    [Fact]
    public void Execute_JobPrintsLines_LogsEachAsAHighMessageInOrderAndRemembersTheRun()
    {
        using var project = new TempFolder();
        project.Write(".dstack.yml", "type: task\nname: prints-lines\ncommands:\n  - echo one\n  - echo two\n  - echo three\n");
        var (task, engine) = NewRun(project);

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        var high = HighMessages(engine);
        var one = high.IndexOf("one");
        Assert.True(one >= 0, engine.ToString());
        Assert.Equal(["one", "two", "three"], high.Skip(one).Take(3));
        var submitted = high.IndexOf("prints-lines submitted; following its logs.");
        Assert.InRange(submitted, 0, one - 1);
        Assert.Empty(engine.Errors);
        Assert.Empty(engine.Warnings);
        Assert.Equal((0, "prints-lines"), (task.ExitCode, task.SubmittedRunName));
        Assert.Equal("prints-lines" + Environment.NewLine, File.ReadAllText(task.RunNameFile!));
        Assert.Equal("done", home.FindRun("prints-lines")?.Status);
        Assert.Equal((1, 1), (engine.YieldCount, engine.ReacquireCount));
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.Normal && m.Message!.Contains(" -y --no-color --stop-when-input-closes --", StringComparison.Ordinal));
    }

    [Fact]
    public void Execute_Args_ReachTheJobAsRunArgsWordByWord()
    {
        using var project = new TempFolder();
        project.Write(".dstack.yml", "type: task\nname: prints-args\ncommands:\n  - printf '[%s]' ${{ run.args }}; echo\n");
        var (task, engine) = NewRun(project);
        task.Args = "--epochs 3 \"two words\" 'it'\"'\"'s' C:\\data";

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        Assert.Contains(@"[--epochs][3][two words][it's][C:\data]", HighMessages(engine));
    }

    [Fact]
    public void Execute_JobExits3_LogsOneRunFailedErrorOnTheConfiguration()
    {
        using var project = new TempFolder();
        var configuration = project.Write("fails.dstack.yml", "type: task\nname: exits-three\ncommands:\n  - echo before\n  - exit 3\n");
        var (task, engine) = NewRun(project);
        task.Configurations = [new TaskItem("fails.dstack.yml")];

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("DSTK3018", configuration, 0, 0), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.Contains("the run exits-three failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Equal((3, "exits-three"), (task.ExitCode, task.SubmittedRunName));
        Assert.Contains("before", HighMessages(engine));
        Assert.Equal("failed", home.FindRun("exits-three")?.Status);
    }

    [Fact]
    public void Execute_BrokenConfiguration_LogsTheCliErrorWithFileLineAndColumn()
    {
        using var project = new TempFolder();
        var configuration = project.Write("bad.dstack.yml", "type: task\nname: never-valid\ncommands:\n  - echo hi\nresources:\n  memory: 80GB..40GB\n");
        var (task, engine) = NewRun(project);
        task.ConfigurationFile = "bad.dstack.yml";

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("DSTK2003", configuration, 6, 11), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.StartsWith("resources.memory: Invalid range order: 80GB..40GB", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, ""), (task.ExitCode, task.SubmittedRunName));
        Assert.False(File.Exists(task.RunNameFile));
        Assert.Null(home.FindRun("never-valid"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("Bad Name")]
    public void Execute_RunNameOutsideDstacksRule_LogsTheCliErrorAndStartsNothing(string name)
    {
        using var project = new TempFolder();
        project.Write(".dstack.yml", "type: task\ncommands:\n  - echo should-not-run\n");
        var (task, engine) = NewRun(project);
        task.RunName = name;

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSTK3012", error.Code);
        Assert.StartsWith($"-n: `{name}` is not a valid run name: it must match '^[a-z][a-z0-9-]{{1,40}}$'", error.Message, StringComparison.Ordinal);
        Assert.Equal((2, ""), (task.ExitCode, task.SubmittedRunName));
        Assert.False(File.Exists(task.RunNameFile));
        Assert.DoesNotContain(HighMessages(engine), m => m.Contains("should-not-run", StringComparison.Ordinal));
    }

    [Fact]
    public void Execute_NoConfiguration_LogsChoiceErrorAndStartsNothing()
    {
        using var project = new TempFolder();
        project.Write(".dstack/profiles.yml", "profiles:\n  - name: dev\n");
        var (task, engine) = NewRun(project);
        task.Configurations = [new TaskItem(".dstack/profiles.yml")];

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSTK0005", error.Code);
        Assert.Contains("add a .dstack.yml to " + project.Path, error.Message, StringComparison.Ordinal);
        Assert.Empty(engine.Messages);
        Assert.Equal(-1, task.ExitCode);
    }

    [Theory]
    [InlineData("--prompt \"Dogs in hats", null, "DstackArgs '--prompt \"Dogs in hats': the double quote at character 10 is never closed.")]
    [InlineData(null, "--max-duration '2h", "DstackRunOptions '--max-duration '2h': the single quote at character 16 is never closed.")]
    public void Execute_UnclosedQuote_LogsSetupErrorAndStartsNoProcess(string? args, string? options, string expected)
    {
        using var project = new TempFolder();
        var marker = Path.Combine(project.Path, "ran");
        project.Write(".dstack.yml", $"type: task\nname: never-quoted\ncommands:\n  - touch {marker}\n");
        var (task, engine) = NewRun(project);
        task.Args = args;
        task.Options = options;

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("DSTK0004", expected), (error.Code, error.Message));
        Assert.Empty(engine.Messages);
        Assert.Equal(-1, task.ExitCode);
        Assert.Null(home.FindRun("never-quoted"));
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("SECRET")]
    [InlineData("GREETING")]
    public void Execute_EnvValue_ReachesTheJobButNeverTheLog(string name)
    {
        // A value given to -e NAME from the environment is masked in the job's logs (≥ 4 characters), whatever the name.
        const string Value = "hunter2";
        using var project = new TempFolder();
        var run = "env-" + name.ToLowerInvariant();
        project.Write(".dstack.yml", $"type: task\nname: {run}\ncommands:\n  - 'echo \"value: ${name}\"'\n  - test \"${name}\" = {Value} && echo received\n");
        var (task, engine) = NewRun(project);
        task.Env = [$"{name}={Value}"];

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        var high = HighMessages(engine);
        Assert.Contains("value: ***", high);
        Assert.Contains("received", high);
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.Normal && m.Message!.Contains($" -e {name} ", StringComparison.Ordinal));
        Assert.DoesNotContain(Value, engine.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_DryRun_LogsThePlanAndStartsNoRun()
    {
        using var project = new TempFolder();
        var marker = Path.Combine(project.Path, "ran");
        project.Write(".dstack.yml", $"type: task\nname: only-planned\ncommands:\n  - touch {marker}\n");
        var (task, engine) = NewRun(project);
        task.DryRun = true;

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        Assert.Contains(HighMessages(engine), m => m.Contains("only-planned", StringComparison.Ordinal) && m.Contains("local", StringComparison.Ordinal));
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.Normal && m.Message!.Contains(" --dry-run --", StringComparison.Ordinal));
        Assert.DoesNotContain(engine.Messages, m => m.Message!.Contains("--stop-when-input-closes", StringComparison.Ordinal));
        Assert.Equal((0, ""), (task.ExitCode, task.SubmittedRunName));
        Assert.Null(home.FindRun("only-planned"));
        Assert.False(File.Exists(task.RunNameFile));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Cancel_WhileTheJobRuns_StopsTheRunAndItsProcesses()
    {
        using var project = new TempFolder();
        var pidFile = Path.Combine(project.Path, "sleep.pid");
        project.Write(".dstack.yml", $"type: task\nname: cancelled-sleep\ncommands:\n  - sleep 100 & echo $! > {pidFile}; wait\n");
        var (task, engine) = NewRun(project);

        var execution = Task.Run(task.Execute);
        bool succeeded;
        try
        {
            Bounded.WaitUntil(() => ProcessTable.ReadPid(pidFile) is not null || execution.IsCompleted, Bounded.RunLimit, "the job to start sleep 100");
            Assert.False(execution.IsCompleted, "the run ended before it was cancelled");

            task.Cancel();

            var ended = await Task.WhenAny(execution, Task.Delay(CancelLimit)) == execution;
            Assert.True(ended, $"DstackRun was still running {CancelLimit} after Cancel()");
            succeeded = await execution;
        }
        finally
        {
            task.Cancel();
        }

        Assert.False(succeeded);
        Assert.Equal(130, task.ExitCode);
        Assert.Empty(engine.Errors);
        Assert.Contains("The build was cancelled: the run cancelled-sleep was stopped.", HighMessages(engine));
        var run = home.FindRun("cancelled-sleep");
        Assert.Equal(("terminated", "stopped_by_user"), (run?.Status, run?.Reason));
        int[] pids = [ProcessTable.ReadPid(pidFile)!.Value, .. run!.JobPids];
        Assert.Equal(2, pids.Length);
        Bounded.WaitUntil(() => !pids.Any(ProcessTable.IsAlive), TimeSpan.FromSeconds(10), $"the job's processes {string.Join(", ", pids)} to end");
    }

    [Fact]
    public void Cancel_BeforeExecute_StartsNoRun()
    {
        using var project = new TempFolder();
        project.Write(".dstack.yml", "type: task\nname: cancelled-early\ncommands:\n  - echo hi\n");
        var (task, engine) = NewRun(project);

        task.Cancel();

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));
        Assert.Empty(engine.Errors);
        Assert.Equal(-1, task.ExitCode);
        Assert.Null(home.FindRun("cancelled-early"));
    }

    [Fact]
    public void Execute_UnderTheTerminalLogger_WarnsThatTheOutputIsHidden()
    {
        using var project = new TempFolder();
        var configuration = project.Write(".dstack.yml", "type: task\nname: under-terminal-logger\ncommands:\n  - echo hi\n");
        var (task, engine) = NewRun(project);
        task.DryRun = true;
        task.TerminalLogger = true;

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        var warning = Assert.Single(engine.Warnings);
        Assert.Equal(("DSTK0007", configuration), (warning.Code, warning.File));
        Assert.Contains("-tl:off", warning.Message, StringComparison.Ordinal);
    }

    private static (DstackRun Task, RecordingBuildEngine Engine) NewRun(TempFolder project)
    {
        var engine = new RecordingBuildEngine();
        var task = new DstackRun
        {
            BuildEngine = engine,
            DstackCliPath = TestPaths.CliDll,
            ProjectDirectory = project.Path,
            RunNameFile = Path.Combine(project.Path, "obj", "dstack", "last-run.txt"),
        };
        return (task, engine);
    }

    private static List<string> HighMessages(RecordingBuildEngine engine) =>
        [.. engine.Messages.Where(m => m.Importance == MessageImportance.High).Select(m => m.Message!)];
}
