using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>
/// A workflow's artifacts through the real <c>dstack</c> program on the local backend: saved to
/// $DSTACK_HOME/artifacts/RUN byte for byte as the job wrote them, with the store's size and hash, when the job
/// succeeds, fails, or is stopped; a missing path is a warning; deps by workflow and by tag give a later workflow
/// those files, read-only, without the later job being able to change what was saved.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class WorkflowArtifactsAndDepsEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();
    private readonly string _name = "wa-" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_Succeeds_SavesFoldersAndFilesByteForByte_WithSizeAndHash_AndWarnsOfAMissingPath()
    {
        _sandbox.Write(".dstack/workflows/make.yaml", """
            workflows:
              - name: make
                commands:
                  - mkdir -p out/sub
                  - printf 'first line\nsecond line\n' > out/a.txt
                  - printf 'caf\303\251 \342\206\222 done' > out/sub/b.txt
                  - printf 'one file\n' > report.txt
                artifacts:
                  - path: ./out
                  - path: report.txt
                  - path: never-written
            """);

        var result = await _sandbox.RunAsync("run", "make", "-n", _name, "-y");

        Assert.True(result.Code == 0, result.ToString());
        WorkflowRuns.AssertSaved(_sandbox, _name, "out", new Dictionary<string, string> { ["a.txt"] = "first line\nsecond line\n", ["sub/b.txt"] = "café → done" });
        WorkflowRuns.AssertSaved(_sandbox, _name, "report.txt", new Dictionary<string, string> { [""] = "one file\n" });
        Assert.Contains("dstack: warning: artifact never-written: no such file or folder when the job ended; nothing saved", result.Error, StringComparison.Ordinal);
        Assert.Equal(["out", "report.txt"], WorkflowRuns.Artifacts(_sandbox, _name).Select(a => a.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_FailsWithExitCode3_StillSavesWhatTheJobWrote()
    {
        _sandbox.Write(".dstack/workflows/fail.yaml", """
            workflows:
              - name: fails
                commands:
                  - mkdir -p out
                  - printf 'written before the failure\n' > out/partial.txt
                  - exit 3
                artifacts:
                  - path: out
            """);

        var result = await _sandbox.RunAsync("run", "fails", "-n", _name, "-y");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Equal("failed", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        WorkflowRuns.AssertSaved(_sandbox, _name, "out", new Dictionary<string, string> { ["partial.txt"] = "written before the failure\n" });
    }

    [Fact]
    public async Task Stop_ADetachedRunWhileItSleeps_SavesTheArtifactWrittenBefore()
    {
        _sandbox.Write(".dstack/workflows/sleep.yaml", """
            workflows:
              - name: sleeper
                commands:
                  - mkdir -p out
                  - printf 'written before the stop\n' > out/early.txt
                  - echo written
                  - sleep 300
                  - printf 'never\n' > out/late.txt
                artifacts:
                  - path: out
            """);

        var submit = await _sandbox.RunAsync("run", "sleeper", "-n", _name, "-y", "-d");
        Assert.True(submit.Code == 0, submit.ToString());
        await _sandbox.WaitForLogsAsync(_name, "written", Limit);

        var stop = await _sandbox.RunAsync("stop", _name, "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        WorkflowRuns.AssertSaved(_sandbox, _name, "out", new Dictionary<string, string> { ["early.txt"] = "written before the stop\n" });
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync(_name, Limit));
    }

    [Fact]
    public async Task Interrupt_AnAttachedRun_SavesTheArtifactWrittenBefore()
    {
        _sandbox.Write(".dstack/workflows/sleep.yaml", """
            workflows:
              - name: sleeper
                commands:
                  - mkdir -p out
                  - printf 'written before Ctrl+C\n' > out/early.txt
                  - echo written
                  - sleep 300
                artifacts:
                  - path: out
            """);

        var run = _sandbox.Start("run", "sleeper", "-n", _name, "-y");
        await run.WaitForTextAsync("written", Limit);
        run.Interrupt();
        var result = await run.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        WorkflowRuns.AssertSaved(_sandbox, _name, "out", new Dictionary<string, string> { ["early.txt"] = "written before Ctrl+C\n" });
    }

    [Fact]
    public async Task Cache_TwoOverlappingRunsSaveIt_TheNextRunGetsOneOfThemWhole()
    {
        _sandbox.Write(".dstack/workflows/cache.yaml", """
            workflows:
              - name: writer
                commands:
                  - if [ -n "$READ" ]; then cat data/part-*; exit; fi
                  - mkdir -p data
                  - for i in 1 2 3 4 5 6 7 8; do echo "$DSTACK_RUN_NAME" > data/part-$i; done
                  - sleep 1
                cache:
                  - path: data
            """);

        var submits = await Task.WhenAll(_sandbox.RunAsync("run", "writer", "-n", _name + "-a", "-y", "-d"), _sandbox.RunAsync("run", "writer", "-n", _name + "-b", "-y", "-d"));
        Assert.All(submits, s => Assert.True(s.Code == 0, s.ToString()));
        foreach (var name in new[] { _name + "-a", _name + "-b" })
        {
            await WaitUntilFinishedAsync(name);
        }

        var reader = await _sandbox.RunAsync("run", "writer", "-n", _name + "-r", "-y", "-e", "READ=1");

        Assert.True(reader.Code == 0, reader.ToString());
        Assert.Contains("dstack: cache data: restored", reader.Error, StringComparison.Ordinal);
        var parts = reader.Output.Split('\n').Where(l => l.StartsWith(_name + "-", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, parts.Count);
        Assert.Single(parts.Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_ReusingTheNameOfAFinishedRun_LeavesNoneOfTheOldRunsArtifacts()
    {
        _sandbox.Write(".dstack/workflows/two.yaml", """
            workflows:
              - name: one
                commands:
                  - mkdir -p one && echo one > one/x.txt
                artifacts:
                  - path: one
              - name: two
                commands:
                  - mkdir -p two && echo two > two/x.txt
                artifacts:
                  - path: two
            """);

        var first = await _sandbox.RunAsync("run", "one", "-n", _name, "-y");
        var second = await _sandbox.RunAsync("run", "two", "-n", _name, "-y");

        Assert.True(first.Code == 0 && second.Code == 0, $"{first}\n{second}");
        WorkflowRuns.AssertSaved(_sandbox, _name, "two", new Dictionary<string, string> { ["x.txt"] = "two\n" });
        Assert.Equal(["two"], Directory.GetFileSystemEntries(new DstackHome(_sandbox.Home).ArtifactsFolder(_name)).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Deps_ByWorkflowAndByTag_GiveTheLastSuccessfulRunAndTheTaggedRun_ReadOnly_AndTheSavedFilesStayAsTheyWere()
    {
        _sandbox.Write(".dstack/workflows/pair.yaml", """
            workflows:
              - name: producer
                commands:
                  - mkdir -p model
                  - printf 'weights %s\n' "$VERSION" > model/weights.txt
                  - test "$VERSION" != broken
                artifacts:
                  - path: ./model
              - name: by-workflow
                deps:
                  - workflow: producer
                commands:
                  - cat model/weights.txt
                  - stat -c 'mode %A' model/weights.txt
                  - echo changed >> model/weights.txt || echo not-writable
              - name: by-tag
                deps:
                  - tag: golden
                commands:
                  - cat model/weights.txt
            """);
        foreach (var version in new[] { "v1", "v2", "broken" })
        {
            _sandbox.Environment["VERSION"] = version;
            var produced = await _sandbox.RunAsync("run", "producer", "-n", $"{_name}-{version}", "-y", "-e", "VERSION");
            Assert.True(produced.Code == (version == "broken" ? 1 : 0), produced.ToString());
        }

        var v1 = _sandbox.FindRun($"{_name}-v1")!;
        Assert.True(StateStore.Open(new DstackHome(_sandbox.Home)).AddTag("golden", v1.Id, DateTimeOffset.UtcNow));

        var byWorkflow = await _sandbox.RunAsync("run", "by-workflow", "-n", $"{_name}-w", "-y");
        var byTag = await _sandbox.RunAsync("run", "by-tag", "-n", $"{_name}-t", "-y");

        Assert.True(byWorkflow.Code == 0, byWorkflow.ToString());
        Assert.Contains("weights v2\n", byWorkflow.Output, StringComparison.Ordinal);
        Assert.Contains($"dstack: deps: workflow producer: model from run {_name}-v2 (1 file, 11 B), read-only", byWorkflow.Error, StringComparison.Ordinal);
        Assert.Contains("mode -r--r--r--\n", byWorkflow.Output, StringComparison.Ordinal);
        Assert.True(byTag.Code == 0, byTag.ToString());
        Assert.Contains("weights v1\n", byTag.Output, StringComparison.Ordinal);
        Assert.Contains($"tag golden: run {_name}-v1 (model), read-only", byTag.Output, StringComparison.Ordinal);

        // Whatever the job did to its copy (root may write a read-only file), the saved artifacts are unchanged.
        WorkflowRuns.AssertSaved(_sandbox, $"{_name}-v1", "model", new Dictionary<string, string> { ["weights.txt"] = "weights v1\n" });
        WorkflowRuns.AssertSaved(_sandbox, $"{_name}-v2", "model", new Dictionary<string, string> { ["weights.txt"] = "weights v2\n" });
    }

    [Fact]
    public async Task Deps_OnAWorkflowThatNeverSucceeded_IsRefusedBeforeTheRunWithHowToRunIt()
    {
        _sandbox.Write(".dstack/workflows/pair.yaml", """
            workflows:
              - name: producer
                commands: [exit 1]
                artifacts:
                  - path: out
              - name: consumer
                deps:
                  - workflow: producer
                commands: [echo never]
            """);

        var result = await _sandbox.RunAsync("run", "consumer", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Matches(@"\.dstack/workflows/pair\.yaml\(8,19\): error DSTK2091: .*no successful run .*dstack run consumer --with-deps", result.Error);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    private async Task WaitUntilFinishedAsync(string runName)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (_sandbox.FindRun(runName) is not { } run || !run.Status.IsFinished())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{runName} did not finish within {Limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }
}
