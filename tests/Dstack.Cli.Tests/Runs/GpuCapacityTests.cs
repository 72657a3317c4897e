using System.Diagnostics;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// GPUs on the local backend, with a fake <c>nvidia-smi</c> on PATH that reports two A100s: each run gets GPUs no
/// other active run holds (CUDA_VISIBLE_DEVICES, DSTACK_GPUS_*), a run that finds them all held fails with
/// DSTK3017 naming the holder, and with retry on no-capacity it waits until they are free.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class GpuCapacityTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public GpuCapacityTests()
    {
        var bin = Path.Combine(_sandbox.Home, "fake-bin");
        Directory.CreateDirectory(bin);
        // Written by a child shell: a script this process had open for writing can fail to run ("text file busy").
        using var writer = Process.Start("/bin/sh", ["-c", $"printf '#!/bin/sh\\necho \"NVIDIA A100-SXM4-80GB, 81920, 8.0\"\\necho \"NVIDIA A100-SXM4-80GB, 81920, 8.0\"\\n' > {bin}/nvidia-smi && chmod +x {bin}/nvidia-smi"])!;
        writer.WaitForExit();
        _sandbox.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_TwoRunsOfOneGpu_GetDifferentGpus_AndTheJobSeesItsOwn()
    {
        _sandbox.Write("first.dstack.yml", "type: task\nname: first\nresources:\n  gpu: A100:1\ncommands:\n  - echo \"first sees $CUDA_VISIBLE_DEVICES of $DSTACK_GPUS_NUM\"\n  - sleep 300\n");
        _sandbox.Write("second.dstack.yml", "type: task\nname: second\nresources:\n  gpu: A100:1\ncommands:\n  - echo \"second sees $CUDA_VISIBLE_DEVICES of $DSTACK_GPUS_NUM\"\n");

        var first = await _sandbox.RunAsync("run", "-f", "first.dstack.yml", "-y", "-d");
        var second = await _sandbox.RunAsync("run", "-f", "second.dstack.yml", "-y");
        var logs = await WaitForLogAsync("first", "first sees");

        Assert.True(first.Code == 0 && second.Code == 0, $"{first}\n{second}");
        Assert.Contains("first sees 0 of 1", logs, StringComparison.Ordinal);
        Assert.Contains("second sees 1 of 1", second.Output, StringComparison.Ordinal);
        Assert.Contains("A100", second.Output, StringComparison.Ordinal);
        await _sandbox.RunAsync("stop", "first", "-y", "-x");
    }

    [Fact]
    public async Task Run_AllGpusHeld_FailsWithNoCapacityNamingTheHolder_OrWaitsWithRetry()
    {
        _sandbox.Write("big.dstack.yml", "type: task\nname: big\nresources:\n  gpu: A100:2\ncommands:\n  - sleep 300\n");
        _sandbox.Write("more.dstack.yml", "type: task\nname: more\nresources:\n  gpu: 1\ncommands:\n  - echo \"more got $CUDA_VISIBLE_DEVICES\"\n");
        _sandbox.Write("patient.dstack.yml", "type: task\nname: patient\nretry:\n  on_events: [no-capacity]\n  duration: 1m\nresources:\n  gpu: 1\ncommands:\n  - echo \"patient got $CUDA_VISIBLE_DEVICES\"\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-f", "big.dstack.yml", "-y", "-d")).Code);

        var refused = await _sandbox.RunAsync("run", "-f", "more.dstack.yml", "-y");

        Assert.True(refused.Code == 1, refused.ToString());
        Assert.Contains("DSTK3017", refused.Error, StringComparison.Ordinal);
        Assert.Contains("GPU 0 by big", refused.Error, StringComparison.Ordinal);

        var patient = _sandbox.Start("run", "-f", "patient.dstack.yml", "-y");
        await patient.WaitForTextAsync("Waiting for capacity", TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await _sandbox.RunAsync("stop", "big", "-y", "-x")).Code);
        var result = await patient.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("patient got 0", result.Output, StringComparison.Ordinal);
    }

    private async Task<string> WaitForLogAsync(string run, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var logs = (await _sandbox.RunAsync("logs", run)).Output;
            if (logs.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return logs;
            }

            await Task.Delay(100);
        }
    }
}
