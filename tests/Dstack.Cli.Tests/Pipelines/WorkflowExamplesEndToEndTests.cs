using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Cli.Tests.Containers;
using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>
/// The workflows of examples/pipelines run by name through the real <c>dstack</c> program on the local backend: on a
/// GPU (a stand-in <c>nvidia-smi</c> reports one; the script runs on the CPU), with quoted run arguments, in the local
/// busybox image, with a cache run twice, a deps pair, and a workflows file written as one mapping.
/// </summary>
[Collection(RunCollection.Name)]
public sealed partial class WorkflowExamplesEndToEndTests : IDisposable
{
    private const string TwoEpochs = "epoch,loss\n1,0.5\n2,0.3333\n";

    private readonly DstackSandbox _sandbox = new();
    private readonly string _name = "wf-" + Guid.NewGuid().ToString("N")[..10];

    public WorkflowExamplesEndToEndTests()
    {
        WorkflowRuns.CopyExample(_sandbox);
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        if (DockerFactAttribute.Available)
        {
            EngineState.RemoveContainers(_name);
        }
    }

    [Fact]
    public async Task TrainMnistGpu_OnAStandInGpu_GetsTheGpuAndSavesItsLogs()
    {
        await UseStandInNvidiaSmiAsync("echo \"Tesla V100-SXM2-16GB, 16384, 7.0\"");

        var result = await _sandbox.RunAsync("run", "train-mnist-gpu", "-n", _name, "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("1xV100 (16GB)", result.Output, StringComparison.Ordinal);
        Assert.Contains("device: cuda:0 (a CPU stand-in)\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2 loss 0.3333\n", result.Output, StringComparison.Ordinal);
        WorkflowRuns.AssertSaved(_sandbox, _name, "lightning_logs", new Dictionary<string, string> { ["version_0/metrics.csv"] = TwoEpochs });
    }

    [Fact]
    public async Task TrainMnistGpu_OnAMachineWithoutAGpu_IsRefusedBeforeItStarts()
    {
        await UseStandInNvidiaSmiAsync("true");

        var result = await _sandbox.RunAsync("run", "train-mnist-gpu", "-n", _name, "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("the machine has no GPU", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task TrainMnistArgs_QuotedArguments_ReachTheScriptEachWhole()
    {
        var result = await _sandbox.RunAsync("run", "train-mnist-args", "-n", _name, "-y", "--epochs", "3", "--note", "a b", "it's \"quoted\" $HOME");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("args: [\"--epochs\", \"3\", \"--note\", \"a b\", \"it's \\\"quoted\\\" $HOME\"]\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 3/3 loss 0.25\n", result.Output, StringComparison.Ordinal);
        WorkflowRuns.AssertSaved(_sandbox, _name, "lightning_logs", new Dictionary<string, string> { ["version_0/metrics.csv"] = TwoEpochs + "3,0.25\n" });
    }

    [DockerFact]
    public async Task TrainMnistDocker_RunsInTheImage_AndSavesTheSameLogsAsTheBashOne()
    {
        var result = await _sandbox.RunAsync("run", "train-mnist-docker", "-n", _name, "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"in a container of {DockerFactAttribute.Image}", result.Error, StringComparison.Ordinal);
        Assert.Contains("training done in Linux /workflow\n", result.Output, StringComparison.Ordinal);
        WorkflowRuns.AssertSaved(_sandbox, _name, "lightning_logs", new Dictionary<string, string> { ["version_0/metrics.csv"] = TwoEpochs });
        Assert.Empty(EngineState.Containers(_name));
    }

    [Fact]
    public async Task TrainMnistCached_RunTwice_TheSecondRestoresTheCacheAndSkipsTheDownload()
    {
        var first = await _sandbox.RunAsync("run", "train-mnist-cached", "-n", _name + "-a", "-y");
        var second = await _sandbox.RunAsync("run", "train-mnist-cached", "-n", _name + "-b", "-y");

        Assert.True(first.Code == 0 && second.Code == 0, $"{first}\n{second}");
        Assert.Contains("dstack: cache data: empty; this run saves it when it ends", first.Error, StringComparison.Ordinal);
        Assert.Contains("data: downloading to ./data\n", first.Output, StringComparison.Ordinal);
        Assert.Matches(@"dstack: cache data: saved: 5 files copied", first.Error);
        Assert.Matches(@"dstack: cache data: restored: 5 files copied \(64 KB\)", second.Error);
        Assert.Contains("data: found in ./data; download skipped\n", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("downloading", second.Output, StringComparison.Ordinal);
        Assert.Matches(@"dstack: cache data: saved: 0 files copied \(0 B\), 5 unchanged", second.Error);

        // The work the cache saves is the script's own: timed inside the job, not with dstack's start-up around it.
        Assert.True(ReadyIn(first.Output) >= 2.0, first.Output);
        Assert.True(ReadyIn(second.Output) < ReadyIn(first.Output) / 4, $"{first.Output}\n{second.Output}");
    }

    [Fact]
    public async Task HelloTxt_ThenCatTxt_CatReadsTheArtifactOfHello()
    {
        var hello = await _sandbox.RunAsync("run", "hello-txt", "-n", _name + "-hello", "-y");
        var cat = await _sandbox.RunAsync("run", "cat-txt", "-n", _name + "-cat", "-y");

        Assert.True(hello.Code == 0 && cat.Code == 0, $"{hello}\n{cat}");
        WorkflowRuns.AssertSaved(_sandbox, _name + "-hello", "output", new Dictionary<string, string> { ["hello.txt"] = "Hello, world!\n" });
        Assert.Contains($"workflow hello-txt: run {_name}-hello (output), read-only", cat.Output, StringComparison.Ordinal);
        Assert.Contains($"dstack: deps: workflow hello-txt: output from run {_name}-hello (1 file, 14 B), read-only", cat.Error, StringComparison.Ordinal);
        Assert.Contains("Hello, world!\n", cat.Output, StringComparison.Ordinal);
        Assert.Empty(WorkflowRuns.Artifacts(_sandbox, _name + "-cat"));
    }

    [Fact]
    public async Task WorkflowsWrittenAsOneMapping_RunsWithAWarningThatShowsTheListForm()
    {
        var result = await _sandbox.RunAsync("run", "hello-mapping", "-n", _name, "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(".dstack/workflows/single.yaml(3,3): warning DSTK2090:", result.Error, StringComparison.Ordinal);
        Assert.Contains("`  - name: hello-mapping`", result.Error, StringComparison.Ordinal);
        Assert.Contains("Hello from a workflows file written as one mapping\n", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Puts an <c>nvidia-smi</c> that runs <paramref name="body"/> first on the runs' PATH (the local backend's GPU probe).</summary>
    private async Task UseStandInNvidiaSmiAsync(string body)
    {
        var bin = Path.Combine(_sandbox.Tools, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(_sandbox.Tools, "nvidia-smi.body"), $"#!/bin/sh\n{body}\n");

        // Moved into place by a child shell: a script this process had open for writing can fail to run ("text file busy").
        using var writer = Process.Start("/bin/sh", ["-c", $"cp {_sandbox.Tools}/nvidia-smi.body {bin}/nvidia-smi && chmod +x {bin}/nvidia-smi"])!;
        await writer.WaitForExitAsync();
        _sandbox.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
    }

    private static double ReadyIn(string output) =>
        double.Parse(ReadyLine().Match(output) is { Success: true } m ? m.Groups[1].Value : "NaN", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"data: ready in ([0-9.]+) s")]
    private static partial Regex ReadyLine();
}
