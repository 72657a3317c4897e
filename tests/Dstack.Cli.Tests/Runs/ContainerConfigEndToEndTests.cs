using System.Text.RegularExpressions;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// On a real Docker engine: the default image of config.yml, instance volumes as bind mounts, and <c>build:</c> inside
/// the image (committed as the jobs' image, reused, rebuilt when the image changes, the replaced build image removed).
/// Every image and container a test makes carries a name of its own and is removed after it.
/// </summary>
[Collection(RunCollection.Name)]
public sealed partial class ContainerConfigEndToEndTests : IDisposable
{
    private static readonly TimeSpan DockerLimit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly HashSet<string> _images = [];

    public void Dispose()
    {
        _sandbox.Dispose();
        foreach (var image in _images)
        {
            ProgramOutput.Run("docker", ["rmi", "--force", image], null, DockerLimit);
        }
    }

    /// <summary>An image name of this test's own, on the local image.</summary>
    private string TestImage => $"localhost/dstack-test-{_id}:1";

    private static string Text(DstackResult result) => result.Output + result.Error;

    [DockerFact]
    public async Task Run_DefaultImageInConfigYml_TaskWithoutImageRunsInIt()
    {
        File.WriteAllText(Path.Combine(_sandbox.Home, "config.yml"), $"default_image: {DockerFactAttribute.Image}\n");
        _sandbox.Write(".dstack.yml", $"type: task\nname: def-{_id}\ncommands:\n  - test -f /.dockerenv && echo in-a-container\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains($"Image          {DockerFactAttribute.Image} (default image from config.yml)", run.Output, StringComparison.Ordinal);
        Assert.Contains("in-a-container", Text(run), StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Run_InstanceVolume_WhatTheJobWritesIsInTheHostFolder_MadeWhenMissing()
    {
        var host = Path.Combine(_sandbox.Tools, "volume", "made-by-dstack");
        _sandbox.Write(".dstack.yml", $"type: task\nname: vol-{_id}\nimage: {DockerFactAttribute.Image}\nvolumes:\n  - {host}:/mnt/data\ncommands:\n  - echo from-the-container > /mnt/data/out.txt\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal("from-the-container\n", File.ReadAllText(Path.Combine(host, "out.txt")));
    }

    [DockerFact]
    public async Task Run_InstanceVolumeThatCannotBeMade_FailsNamingItAndLeavesNoContainer()
    {
        var file = Path.Combine(_sandbox.Tools, "a-file");
        File.WriteAllText(file, "not a folder");
        var name = $"vf-{_id}";
        _sandbox.Write(".dstack.yml", $"type: task\nname: {name}\nimage: {DockerFactAttribute.Image}\nvolumes:\n  - {file}/sub:/mnt/data\ncommands:\n  - echo job-ran\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.NotEqual(0, run.Code);
        Assert.Contains($"volumes: {file}/sub does not exist on this machine and could not be made", Text(run), StringComparison.Ordinal);
        Assert.DoesNotContain("job-ran", run.Output, StringComparison.Ordinal);
        Assert.Empty(Containers($"dstack-{name}-0"));
    }

    [DockerFact]
    public async Task Build_InTheImage_JobSeesBoth_SecondRunReuses_NoValueInTheImage()
    {
        _sandbox.Write(".dstack.yml", $"type: task\nimage: {DockerFactAttribute.Image}\nenv:\n  - TOKEN=sekrit-{_id}\nbuild:\n  - mkdir -p /opt && echo outside-workflow > /opt/marker\n  - echo in-the-copy > made.txt\ncommands:\n  - cat /opt/marker made.txt\n");

        var first = await _sandbox.RunAsync("run", "-y", "-n", $"b1-{_id}");
        var built = BuildImageOf(first);

        Assert.True(first.Code == 0, first.ToString());
        Assert.Contains("Build          2 commands in the image, kept as an image until they or the image change", first.Output, StringComparison.Ordinal);
        Assert.Contains("building the environment in a container of localhost/busybox:1.35 (first build", Text(first), StringComparison.Ordinal);
        Assert.Contains("outside-workflow\nin-the-copy\n", first.Output.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var inspect = ProgramOutput.Run("docker", ["image", "inspect", built, "--format", "{{json .Config.Env}} {{json .Config.Cmd}}"], null, DockerLimit);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.DoesNotContain("sekrit", inspect.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("mkdir", inspect.Output, StringComparison.Ordinal); // the image's own command, not the build's

        var second = await _sandbox.RunAsync("run", "-y", "-n", $"b2-{_id}");

        Assert.True(second.Code == 0, second.ToString());
        Assert.Contains($"using the environment built", Text(second), StringComparison.Ordinal);
        Assert.DoesNotContain("building the environment", Text(second), StringComparison.Ordinal);
        Assert.Equal(built, BuildImageOf(second));
        Assert.Contains("outside-workflow\nin-the-copy\n", second.Output.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(Containers($"dstack-b1-{_id}-build"));
    }

    [DockerFact]
    public async Task Build_AnotherImageUnderTheSameName_Rebuilds_AndRemovesTheBuildImageItReplaces()
    {
        Docker("tag", DockerFactAttribute.Image, TestImage);
        _images.Add(TestImage);
        _sandbox.Write(".dstack.yml", $"type: task\nimage: {TestImage}\nbuild:\n  - mkdir -p /opt && echo one > /opt/marker\ncommands:\n  - cat /opt/marker\n");
        var first = await _sandbox.RunAsync("run", "-y", "-n", $"i1-{_id}");
        Assert.True(first.Code == 0, first.ToString());
        var old = BuildImageOf(first);
        var oldId = Docker("image", "inspect", old, "--format", "{{.Id}}").Trim();

        // The same name, another image (a label makes a new id without running anything).
        var variant = Path.Combine(_sandbox.Tools, "Dockerfile");
        File.WriteAllText(variant, $"FROM {DockerFactAttribute.Image}\nLABEL dstack.test={_id}\n");
        Docker("build", "-q", "-t", TestImage, "-f", variant, _sandbox.Tools);
        var second = await _sandbox.RunAsync("run", "-y", "-n", $"i2-{_id}");

        Assert.True(second.Code == 0, second.ToString());
        Assert.Contains($"({TestImage} is another image now:", Text(second), StringComparison.Ordinal);
        var rebuilt = BuildImageOf(second);
        Assert.NotEqual(old, rebuilt);
        Assert.Contains("removed the build image it replaces", Text(second), StringComparison.Ordinal);
        Assert.NotEqual(0, ProgramOutput.Run("docker", ["image", "inspect", oldId], null, DockerLimit).ExitCode);

        var forced = await _sandbox.RunAsync("run", "-y", "-n", $"i3-{_id}", "--force-build");

        Assert.True(forced.Code == 0, forced.ToString());
        Assert.Contains("(--force-build)", Text(forced), StringComparison.Ordinal);
        Assert.Equal(rebuilt, BuildImageOf(forced));
    }

    [DockerFact]
    public async Task StopAbort_DuringABuildInTheImage_RemovesTheBuildContainer_AndNoImageIsMade()
    {
        var name = $"bs-{_id}";
        _sandbox.Write(".dstack.yml", $"type: task\nname: {name}\nimage: {DockerFactAttribute.Image}\nbuild:\n  - echo building\n  - sleep 300\ncommands:\n  - echo job-ran\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(name, "building", TimeSpan.FromSeconds(60));
        Assert.Single(Containers($"dstack-{name}-build"));

        var stop = await _sandbox.RunAsync("stop", name, "-x", "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Equal("aborted", (await _sandbox.RunRecordAsync(name)).GetProperty("status").GetString());
        Assert.Empty(Containers($"dstack-{name}-build"));
        Assert.DoesNotContain("job-ran", (await _sandbox.RunAsync("logs", name)).Output, StringComparison.Ordinal);
        var builds = Path.Combine(_sandbox.Home, "cache", "builds");
        Assert.False(Directory.Exists(builds) && Directory.GetFiles(builds, "image", SearchOption.AllDirectories).Length > 0, "a build image was recorded for an aborted build");
    }

    [DockerFact]
    public async Task StopAbort_ControllerFrozenDuringABuildInTheImage_RemovesTheBuildContainer()
    {
        var name = $"bf-{_id}";
        _sandbox.Write(".dstack.yml", $"type: task\nname: {name}\nimage: {DockerFactAttribute.Image}\nbuild:\n  - echo building\n  - sleep 300\ncommands:\n  - echo job-ran\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(name, "building", TimeSpan.FromSeconds(60));
        var controller = _sandbox.FindRun(name)?.ControllerPid;
        Assert.NotNull(controller);
        const int Freeze = 19;
        Assert.True(Signals.SignalProcess(controller.Value, Freeze));

        // The controller does not answer: the forced abort finds the build's container by its name and the job's token.
        var stop = await _sandbox.RunAsync("stop", name, "-x", "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Equal("aborted", (await _sandbox.RunRecordAsync(name)).GetProperty("status").GetString());
        Assert.Empty(Containers($"dstack-{name}-build"));
    }

    /// <summary>The build image the jobs ran in, from the run's log; removed after the test.</summary>
    private string BuildImageOf(DstackResult run)
    {
        var match = BuildImageLine().Match(Text(run));
        Assert.True(match.Success, $"no job started in a build image: {run}");
        _images.Add(match.Groups[1].Value);
        return match.Groups[1].Value;
    }

    private static string Docker(params string[] args)
    {
        var result = ProgramOutput.Run("docker", args, null, DockerLimit);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result.Error}");
        return result.Output;
    }

    private static string[] Containers(string name) =>
        Docker("ps", "-a", "-q", "--filter", $"name=^{name}$").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"starting the job in a container of (dstack-build/[0-9a-f]+:[0-9a-f]+)")]
    private static partial Regex BuildImageLine();
}
