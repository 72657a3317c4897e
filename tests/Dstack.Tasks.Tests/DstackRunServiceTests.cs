using Task = System.Threading.Tasks.Task;

namespace Dstack.Tasks.Tests;

/// <summary>
/// DstackRun on a <c>type: service</c> configuration, with <see cref="FakeCli"/> in the place of dstack: detached by
/// default, waits for <c>service_url</c> in <c>dstack ps --json</c>, fails with DSTK0008 when the run ends first or
/// the time runs out.
/// </summary>
public sealed class DstackRunServiceTests
{
    private const string Service = "type: service\nname: web\nport: 8000\ncommands:\n  - python3 -m http.server 8000\n";

    [Theory]
    [InlineData(null, true, false, true)]
    [InlineData("", true, false, true)]
    [InlineData("false", true, false, false)]
    [InlineData("False", true, false, false)]
    [InlineData("true", true, false, true)]
    [InlineData(null, false, false, false)]
    [InlineData("true", false, false, true)]
    [InlineData("true", true, true, false)]
    [InlineData(null, true, true, false)]
    public void ShouldDetach_ServiceUnlessFalse_TaskOnlyWhenTrue_PlanNever(string? detach, bool isService, bool dryRun, bool expected) =>
        Assert.Equal(expected, DstackRun.ShouldDetach(detach, isService, dryRun));

    [Theory]
    [InlineData("type: service\n", "service")]
    [InlineData("name: web\ntype: \"service\"  # published\nport: 80\n", "service")]
    [InlineData("type: dev-environment\n", "dev-environment")]
    [InlineData("name: t\nreplicas:\n  type: service\n", null)]
    [InlineData("commands:\n  - echo\n", null)]
    public void ConfigurationType_ReadsTheTopLevelTypeOnly(string text, string? expected)
    {
        using var folder = new TempFolder();
        Assert.Equal(expected, ConfigurationType.Of(folder.Write(".dstack.yml", text)));
    }

    [Theory]
    [InlineData("web", "running", null, "http://127.0.0.1:8123/", false)]
    [InlineData("web", "provisioning", null, null, false)]
    [InlineData("web", "failed", "job_failed", null, true)]
    [InlineData("web", "terminated", "stopped_by_user", null, true)]
    public void PsRunState_Find_ReadsTheNamedRunsStatusReasonAndUrl(string name, string status, string? reason, string? url, bool ended)
    {
        var run = PsRunState.Find(FakeCli.PsJson(name, status, reason, url), name);

        Assert.Equal(new PsRunState(name, status, reason, url), run);
        Assert.Equal(ended, run!.HasEnded);
    }

    [Fact]
    public void PsRunState_Find_AbsentRunIsNullAndForeignJsonThrows()
    {
        Assert.Null(PsRunState.Find(FakeCli.PsJson("web", "running", null, null), "not-there"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PsRunState.Find("{\"jobs\": []}", "web"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PsRunState.Find("Error: no", "web"));
    }

    [Fact]
    public void Execute_ServiceThatAnswersOnTheThirdPoll_RunsDetachedAndReturnsItsUrlWithTheRunName()
    {
        using var cli = new FakeCli("web-ready");
        cli.SetRun("provisioning", null, null, call: 1);
        cli.SetRun("running", null, null, call: 2);
        cli.SetRun("running", null, "http://127.0.0.1:8123/");
        using var project = new TempFolder();
        project.Write(".dstack.yml", Service);
        var (task, engine) = NewRun(project, cli);

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        Assert.Contains(" -d ", Assert.Single(cli.RunArguments) + " ", StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:8123/", task.ServiceUrl?.ItemSpec);
        Assert.Equal("web-ready", task.ServiceUrl?.GetMetadata("RunName"));
        Assert.Equal(3, cli.PsCalls);
        Assert.Empty(cli.StopArguments);
        Assert.Empty(engine.Errors);
        Assert.Equal("web-ready" + Environment.NewLine, File.ReadAllText(task.RunNameFile!));
    }

    [Fact]
    public void Execute_ServiceWithDetachFalse_FollowsItAndWaitsForNoUrl()
    {
        using var cli = new FakeCli("web-attached");
        cli.SetRun("running", null, "http://127.0.0.1:8123/");
        using var project = new TempFolder();
        project.Write(".dstack.yml", Service);
        var (task, engine) = NewRun(project, cli);
        task.Detach = "false";

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        Assert.DoesNotContain(" -d ", Assert.Single(cli.RunArguments) + " ", StringComparison.Ordinal);
        Assert.Null(task.ServiceUrl);
        Assert.Equal(0, cli.PsCalls);
    }

    [Fact]
    public void Execute_TaskConfiguration_IsNotDetachedAndNotWaitedOn()
    {
        using var cli = new FakeCli("a-task");
        using var project = new TempFolder();
        project.Write(".dstack.yml", "type: task\ncommands:\n  - echo hi\n");
        var (task, engine) = NewRun(project, cli);

        Assert.True(Bounded.Execute(task, Bounded.RunLimit), engine.ToString());

        Assert.DoesNotContain(" -d ", Assert.Single(cli.RunArguments) + " ", StringComparison.Ordinal);
        Assert.Null(task.ServiceUrl);
        Assert.Equal(0, cli.PsCalls);
    }

    [Fact]
    public void Execute_ServiceThatFailsBeforeAnswering_LogsDstk0008NamingTheRunStatusAndReason()
    {
        using var cli = new FakeCli("web-fails");
        cli.SetRun("running", null, null, call: 1);
        cli.SetRun("failed", "job_failed", null);
        using var project = new TempFolder();
        var configuration = project.Write(".dstack.yml", Service);
        var (task, engine) = NewRun(project, cli);

        Assert.False(Bounded.Execute(task, Bounded.RunLimit));

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("DSTK0008", configuration), (error.Code, error.File));
        Assert.Equal("the service web-fails ended before it answered: status failed, reason job_failed; dstack logs web-fails shows its output", error.Message);
        Assert.Null(task.ServiceUrl);
        Assert.Empty(cli.StopArguments);
    }

    [Fact]
    public void Execute_ServiceThatNeverAnswers_StopsItAfterTheTimeoutAndLogsDstk0008()
    {
        using var cli = new FakeCli("web-slow");
        cli.SetRun("running", null, null);
        using var project = new TempFolder();
        project.Write(".dstack.yml", Service);
        var (task, engine) = NewRun(project, cli);
        task.ServiceReadyTimeout = 2;

        Assert.True(Bounded.Execute(task, Bounded.RunLimit) is false, engine.ToString());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSTK0008", error.Code);
        Assert.Equal("the service web-slow did not answer within 2 s (status running), so it was stopped; raise DstackServiceReadyTimeout, or see dstack logs web-slow", error.Message);
        Assert.Equal(["stop web-slow -y"], cli.StopArguments);
        Assert.True(cli.PsCalls >= 2, $"ps was called {cli.PsCalls} times in 2 s");
    }

    [Fact]
    public async Task Cancel_WhileWaitingForTheService_StopsItAndFails()
    {
        using var cli = new FakeCli("web-cancelled");
        cli.SetRun("running", null, null);
        using var project = new TempFolder();
        project.Write(".dstack.yml", Service);
        var (task, engine) = NewRun(project, cli);

        var execution = Task.Run(task.Execute);
        Bounded.WaitUntil(() => cli.PsCalls > 0 || execution.IsCompleted, Bounded.RunLimit, "the first dstack ps");
        task.Cancel();

        Assert.True(await Task.WhenAny(execution, Task.Delay(Bounded.RunLimit)) == execution, "DstackRun went on after Cancel()");
        Assert.False(await execution);
        Assert.Equal(["stop web-cancelled -y"], cli.StopArguments);
        Assert.Contains(engine.Messages, m => m.Message == "The build was cancelled: the service web-cancelled was stopped.");
        Assert.Null(task.ServiceUrl);
    }

    [Fact]
    public async Task Cancel_WhileTheServiceIsBeingSubmitted_StopsTheDetachedRunOnceItIsNamed()
    {
        using var cli = new FakeCli("web-cancelled-early");
        cli.SetRun("running", null, null);
        cli.DelayRun(2);
        using var project = new TempFolder();
        project.Write(".dstack.yml", Service);
        var (task, engine) = NewRun(project, cli);

        var execution = Task.Run(task.Execute);
        Bounded.WaitUntil(() => cli.RunArguments.Length > 0 || execution.IsCompleted, Bounded.RunLimit, "dstack run to start");
        task.Cancel();

        Assert.True(await Task.WhenAny(execution, Task.Delay(Bounded.RunLimit)) == execution, "DstackRun went on after Cancel()");
        Assert.False(await execution);
        Assert.Equal(["stop web-cancelled-early -y"], cli.StopArguments);
        Assert.Equal(0, cli.PsCalls);
        Assert.Contains(engine.Messages, m => m.Message == "The build was cancelled: the run web-cancelled-early was stopped.");
    }

    private static (DstackRun Task, RecordingBuildEngine Engine) NewRun(TempFolder project, FakeCli cli)
    {
        var engine = new RecordingBuildEngine();
        var task = new DstackRun
        {
            BuildEngine = engine,
            DstackCliPath = cli.Path,
            ProjectDirectory = project.Path,
            RunNameFile = Path.Combine(project.Path, "obj", "dstack", "last-run.txt"),
        };
        return (task, engine);
    }
}
