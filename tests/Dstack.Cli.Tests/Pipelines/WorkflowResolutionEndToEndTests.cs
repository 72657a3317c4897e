using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>
/// How <c>dstack run WORD</c> finds a workflow, through the real program: an unknown name (did you mean), a name that
/// is also a folder, a cycle of deps (at its file, line and column), a folder that has only workflows, and
/// <c>--with-deps</c> running the chain in order and stopping at the first failure.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class WorkflowResolutionEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public WorkflowResolutionEndToEndTests()
    {
        WorkflowRuns.CopyExample(_sandbox);
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_UnknownWorkflow_ExitsOne_WithDidYouMeanAndTheWorkflows()
    {
        var result = await _sandbox.RunAsync("run", "hello-tx", "-y");
        var named = await _sandbox.RunAsync("run", "--workflow", "cat-tx", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("error DSTK2091: hello-tx: no such folder, and no workflow named `hello-tx`; did you mean `hello-txt`?", result.Error, StringComparison.Ordinal);
        Assert.Contains("The workflows are: hello-txt, cat-txt, train-mnist-gpu, train-mnist-args, train-mnist-docker, train-mnist-cached, hello-mapping", result.Error, StringComparison.Ordinal);
        Assert.True(named.Code == 1, named.ToString());
        Assert.Contains("did you mean `cat-txt`?", named.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_WorkflowOfAFileThatCannotBeRead_NamesTheFileAndItsError()
    {
        _sandbox.Write(".dstack/workflows/hello.yaml", "workflows:\n  - name: hello-txt\n    commands:\n      - echo hi\n     bad: [\n");

        var result = await _sandbox.RunAsync("run", "hello-txt", "-y");
        var alone = new DstackSandbox();
        alone.Write(".dstack/workflows/hello.yaml", "workflows:\n  - name: hello-txt\n    commands:\n      - echo hi\n     bad: [\n");
        DstackResult onlyBroken;
        using (alone)
        {
            onlyBroken = await alone.RunAsync("run", "hello-txt", "-y");
        }

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("hello-txt: no such folder, and no workflow named `hello-txt`; the workflows are: train-mnist-gpu,", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"fix the workflows file with errors, which may define it: \.dstack/workflows/hello\.yaml\(\d+,\d+\): error DSTK1\d{3}: ", result.Error);
        Assert.True(onlyBroken.Code == 1, onlyBroken.ToString());
        Assert.Matches(@"no workflow named `hello-txt`: the workflows files in \.dstack/workflows define none that can run; fix the workflows file with errors, which may define it: \.dstack/workflows/hello\.yaml\(\d+,\d+\): error DSTK1\d{3}: ", onlyBroken.Error);
    }

    [Fact]
    public async Task Run_NameOfAFolderAndAWorkflow_ExitsTwoSayingHowToChoose_AndEachChoiceRuns()
    {
        _sandbox.Write("hello-txt/.dstack.yml", "type: task\ncommands:\n  - echo the-folder-task\n");

        var both = await _sandbox.RunAsync("run", "hello-txt", "-y");
        var folder = await _sandbox.RunAsync("run", "./hello-txt", "-y");
        var workflow = await _sandbox.RunAsync("run", "--workflow", "hello-txt", "-y");

        Assert.True(both.Code == 2, both.ToString());
        Assert.Contains("`hello-txt` is both a folder and a workflow of .dstack/workflows; write dstack run ./hello-txt for the folder, or dstack run --workflow hello-txt for the workflow", both.Error, StringComparison.Ordinal);
        Assert.True(folder.Code == 0 && folder.Output.Contains("the-folder-task\n", StringComparison.Ordinal), folder.ToString());
        Assert.True(workflow.Code == 0 && workflow.Error.Contains("dstack: artifact output: saved 1 file, 14 B", StringComparison.Ordinal), workflow.ToString());
    }

    [Fact]
    public async Task Run_WorkflowInACycle_IsRefusedWithDstk2092AtTheDep_AndOtherWorkflowsOfTheFileStillRun()
    {
        _sandbox.Write(".dstack/workflows/cycle.yaml", """
            workflows:
              - name: first
                deps:
                  - workflow: second
                commands: [echo first]
              - name: second
                deps:
                  - workflow: first
                commands: [echo second]
              - name: alone
                commands: [echo alone-ran]
            """);

        var cycle = await _sandbox.RunAsync("run", "second", "-y");
        var chain = await _sandbox.RunAsync("run", "first", "--with-deps", "-y");
        var alone = await _sandbox.RunAsync("run", "alone", "-y");

        Assert.True(cycle.Code == 1, cycle.ToString());
        Assert.Contains(".dstack/workflows/cycle.yaml(4,19): error DSTK2092: workflow `first`: deps form a cycle: first → second → first", cycle.Error, StringComparison.Ordinal);
        Assert.True(chain.Code == 1, chain.ToString());
        Assert.Contains("error DSTK2092: workflow `first`: deps form a cycle: first → second → first", chain.Error, StringComparison.Ordinal);
        Assert.True(alone.Code == 0 && alone.Output.Contains("alone-ran\n", StringComparison.Ordinal), alone.ToString());
        Assert.Equal(1, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_InAFolderWithOnlyWorkflows_SaysHowToRunOneByName()
    {
        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(". has no .dstack.yml; name the configuration with -f FILE, or run a workflow of .dstack/workflows by name: dstack run hello-txt", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WorkflowsFileWithDashF_SaysToRunAWorkflowByName()
    {
        var result = await _sandbox.RunAsync("run", "-f", ".dstack/workflows/hello.yaml", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("this is a workflows file; run one of its workflows by name: dstack run hello-txt (or cat-txt)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithDeps_RunsTheChainInOrder_EachGettingTheArtifactsOfTheOneBefore()
    {
        WriteChain(failIn: null);

        var result = await _sandbox.RunAsync("run", "third", "--with-deps", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("--with-deps: 3 workflows in order: first → second → third", result.Error, StringComparison.Ordinal);
        Assert.Contains("chain: first second third\n", result.Output, StringComparison.Ordinal);
        var names = (await _sandbox.RunsAsync()).EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
        Assert.Equal(3, names.Count);
        Assert.All(names, n => Assert.Equal("done", _sandbox.FindRun(n)!.Status.ToString().ToLowerInvariant()));
    }

    [Fact]
    public async Task Run_WithDeps_GivesTheRunArgumentsToTheNamedWorkflowOnly()
    {
        _sandbox.Write(".dstack/workflows/args.yaml", """
            workflows:
              - name: before
                commands:
                  - printf 'before got'; printf ' [%s]' ${{ run.args }}; echo
              - name: after
                deps:
                  - workflow: before
                commands:
                  - printf 'after got'; printf ' [%s]' ${{ run.args }}; echo
            """);

        var result = await _sandbox.RunAsync("run", "after", "--with-deps", "-y", "--lr", "0.1 0.2");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("before got []\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("after got [--lr] [0.1 0.2]\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DepOnAnUnknownTag_IsRefusedAtTheDep_SayingHowToTagARun()
    {
        _sandbox.Write(".dstack/workflows/tagged.yaml", """
            workflows:
              - name: tagged
                deps:
                  - tag: golden
                commands: [echo never]
            """);

        var result = await _sandbox.RunAsync("run", "tagged", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(".dstack/workflows/tagged.yaml(4,14): error DSTK2091: workflow `tagged`: deps: no tag named `golden` (there are no tags yet); tag a finished run with dstack tags add golden RUN", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_WithDeps_StopsAtTheFirstFailure_WithItsExitCode_AndRunsNothingAfter()
    {
        WriteChain(failIn: "second");

        var result = await _sandbox.RunAsync("run", "third", "--with-deps", "-y");

        Assert.True(result.Code == 7, result.ToString());
        Assert.Contains("--with-deps: second did not succeed (exit code 7); third was not run", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("chain:", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_WithDeps_CtrlCInTheFirstWorkflow_StopsItAndRunsNothingAfter()
    {
        _sandbox.Write(".dstack/workflows/slow.yaml", """
            workflows:
              - name: slow
                commands:
                  - echo slow-started
                  - sleep 300
              - name: next
                deps:
                  - workflow: slow
                commands: [echo next-ran]
            """);

        var run = _sandbox.Start("run", "next", "--with-deps", "-y");
        await run.WaitForTextAsync("slow-started", TimeSpan.FromSeconds(60));
        run.Interrupt();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("--with-deps: slow did not succeed (exit code 130); next was not run", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("next-ran", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_WithDepsDetached_IsAUsageError_AndStartsNothing()
    {
        WriteChain(failIn: null);

        var result = await _sandbox.RunAsync("run", "third", "--with-deps", "-d", "-y");

        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("--with-deps waits for each workflow before it starts the next, so it cannot run detached (-d)", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    private void WriteChain(string? failIn) => _sandbox.Write(".dstack/workflows/chain.yaml", $"""
        workflows:
          - name: third
            deps:
              - workflow: second
            commands:
              - 'echo "chain: $(cat steps/second.txt) third"'
          - name: second
            deps:
              - workflow: first
            commands:
              - mkdir -p steps
              - echo "$(cat steps/first.txt) second" > steps/second.txt
              - {(failIn == "second" ? "exit 7" : "true")}
            artifacts:
              - path: steps/second.txt
          - name: first
            commands:
              - mkdir -p steps
              - echo first > steps/first.txt
            artifacts:
              - path: steps/first.txt
        """);
}
