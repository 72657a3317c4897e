namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// Ctrl+C in a real terminal while <c>dstack run</c> is attached: the first asks whether to stop the run before
/// detaching, and the answer (or a second Ctrl+C) decides whether the run goes on, stops, or is aborted.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class InterruptEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task CtrlC_AnswerNo_DetachesAndTheRunKeepsGoingUntilStopped()
    {
        WriteLongTask("keeper");

        var session = PseudoTerminal.Start(_sandbox, [new("started", PseudoTerminal.CtrlC), new("[y/n]", "n\n")], "run", "-y");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("Stop the run keeper before detaching? [y/n]", result.Output, StringComparison.Ordinal);
        Assert.Contains("Detached. keeper keeps running", result.Output, StringComparison.Ordinal);
        Assert.Equal("running", (await _sandbox.RunRecordAsync("keeper")).GetProperty("status").GetString());
        Assert.NotEmpty(_sandbox.JobProcesses("keeper"));

        var stop = await _sandbox.RunAsync("stop", "keeper", "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("keeper", TimeSpan.FromSeconds(5)));
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync("keeper")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task CtrlC_AnswerYes_StopsTheRunShowsItsLastWordsAndExitsWith130()
    {
        // The job says goodbye on SIGTERM: that line comes after the prompt, so it shows that following went on.
        _sandbox.Write(".dstack.yml", "type: task\nname: stopper\nstop_duration: 60s\ncommands:\n  - trap 'echo got-sigterm; exit 0' TERM\n  - echo started\n  - sleep 300 & wait $!\n");

        var session = PseudoTerminal.Start(_sandbox, [new("started", PseudoTerminal.CtrlC), new("[y/n]", "y\n")], "run", "-y");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("Stopping stopper", result.Output, StringComparison.Ordinal);
        Assert.True(result.Output.IndexOf("[y/n]", StringComparison.Ordinal) < result.Output.IndexOf("got-sigterm", StringComparison.Ordinal), result.ToString());
        Assert.Equal(1, Occurrences(result.Output, "[y/n]"));
        Assert.Equal(1, Occurrences(result.Output, "started"));
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("stopper", TimeSpan.FromSeconds(5)));
        var record = await _sandbox.RunRecordAsync("stopper");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Equal("stopped_by_user", record.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task CtrlC_SecondCtrlCAtThePrompt_AbortsTheRunAndExitsWith130()
    {
        WriteLongTask("aborter");

        var session = PseudoTerminal.Start(_sandbox, [new("started", PseudoTerminal.CtrlC), new("[y/n]", PseudoTerminal.CtrlC)], "run", "-y");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("Aborting aborter", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(result.Output, "[y/n]"));
        Assert.Equal(1, Occurrences(result.Output, "started"));
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("aborter", TimeSpan.FromSeconds(5)));
        var record = await _sandbox.RunRecordAsync("aborter");
        Assert.Equal("aborted", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task CtrlC_SecondCtrlC_ControllerDoesNotAnswer_TheAbortStillEndsTheRun()
    {
        WriteLongTask("frozen2");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("frozen2", "started", Limit);
        var controller = _sandbox.FindRun("frozen2")?.ControllerPid;
        Assert.NotNull(controller);
        const int Stop = 19;
        Assert.True(Dstack.Runtime.Processes.Signals.SignalProcess(controller.Value, Stop));

        var session = PseudoTerminal.Start(_sandbox, [new("started", PseudoTerminal.CtrlC), new("[y/n]", PseudoTerminal.CtrlC)], "attach", "frozen2");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("Aborting frozen2", result.Output, StringComparison.Ordinal);
        Assert.Contains("the controller of frozen2 did not end it within 15 s; it and the jobs were killed", result.Output, StringComparison.Ordinal);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("frozen2", TimeSpan.FromSeconds(5)));
        Assert.Equal("aborted", (await _sandbox.RunRecordAsync("frozen2")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Confirmation_InATerminalWithoutYes_AsksAndRunsOnYes()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: asked\ncommands:\n  - echo confirmed-and-ran\n");

        var session = PseudoTerminal.Start(_sandbox, [new("Submit the run asked? [y/n]", "y\n")], "run");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("confirmed-and-ran", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirmation_AnswerNo_SubmitsNothing()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo should-not-run\n");

        var session = PseudoTerminal.Start(_sandbox, [new("Submit a new run? [y/n]", "n\n")], "run");
        var result = await session.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("Not submitted.", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    // stop_duration is long on purpose: a run that ends promptly on "y" was stopped by SIGTERM, not killed at the limit.
    private void WriteLongTask(string name) =>
        _sandbox.Write(".dstack.yml", $"type: task\nname: {name}\nstop_duration: 60s\ncommands:\n  - echo started\n  - sleep 300\n");

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;
}
