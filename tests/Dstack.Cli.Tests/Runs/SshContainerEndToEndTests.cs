using System.Text.RegularExpressions;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>image:</c> on an SSH host through the real program, a real sshd on 127.0.0.1 and this machine's Docker engine as
/// the host's (reached over the host's SSH connection): the job runs in a container with the uploaded code at
/// /workflow, its exit code and output come back, a stop ends it, and neither a container nor a folder is left; a
/// host without an engine is left out with the reason.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class SshContainerEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly DstackSandbox _sandbox = new();
    private readonly LoopbackSshd _sshd = new();
    private readonly string _name = "sshctr-" + Guid.NewGuid().ToString("N")[..8];

    public SshContainerEndToEndTests()
    {
        _sandbox.UseSshHost(_sshd);
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        _sshd.Dispose();
        foreach (var id in ContainersOfTheRun())
        {
            ProgramOutput.Run("docker", ["rm", "--force", id], null, TimeSpan.FromSeconds(30));
        }
    }

    [DockerFact]
    public async Task Run_ImageOnAnSshHost_RunsInAContainerWithTheCodeAtWorkflow_AndLeavesNothing()
    {
        _sandbox.Write("data/input.txt", "from the code folder\n");
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\nenv:\n  - GREETING=hi there\ncommands:\n  - echo \"$GREETING in=$(pwd) rank=$DSTACK_NODE_RANK\"\n  - cat data/input.txt\n  - test -f /.dockerenv && echo in-a-container\n  - echo to-stderr >&2\n  - exit 5\n");

        var result = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(Limit);

        Assert.True(result.Code == 5, result.ToString());
        Assert.Contains("hi there in=/workflow rank=0\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("from the code folder\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("in-a-container\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("to-stderr\n", result.Error, StringComparison.Ordinal);
        Assert.Contains($"in a container of {DockerFactAttribute.Image} on lo", result.Error, StringComparison.Ordinal);
        var run = await _sandbox.RunRecordAsync(_name);
        Assert.Equal(5, run.GetProperty("exit_code").GetInt32());
        Assert.Equal("ssh (lo)", run.GetProperty("backend").GetString());
        Assert.Empty(ContainersOfTheRun());
        Assert.Empty(RemoteFoldersOf(_name));
        Assert.Empty(Directory.GetFiles(Path.Combine(_sandbox.Home, "ssh"), "docker-*"));
    }

    [DockerFact]
    public async Task Stop_ADetachedContainerRunOnAnSshHost_RemovesTheContainerAndTheFolder()
    {
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\nstop_duration: 5s\ncommands:\n  - echo started\n  - sleep 300\n");
        var submit = await _sandbox.Start("run", "-b", "ssh", "-y", "-d").WaitAsync(Limit);
        Assert.True(submit.Code == 0, submit.ToString());
        await _sandbox.WaitForLogsAsync(_name, "started", Limit);
        Assert.NotEmpty(ContainersOfTheRun());

        var stop = await _sandbox.Start("stop", _name, "-y").WaitAsync(Limit);

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(ContainersOfTheRun());
        Assert.Empty(RemoteFoldersOf(_name));
    }

    [DockerFact]
    public async Task Ps_ControllerKilled_RemovesTheContainerOnTheHost()
    {
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\ncommands:\n  - echo ready\n  - sleep 300\n");
        var submit = await _sandbox.Start("run", "-b", "ssh", "-y", "-d").WaitAsync(Limit);
        Assert.True(submit.Code == 0, submit.ToString());
        await _sandbox.WaitForLogsAsync(_name, "ready", Limit);
        var controller = _sandbox.FindRun(_name)?.ControllerPid;
        Assert.NotNull(controller);
        Assert.NotEmpty(ContainersOfTheRun());

        Signals.SignalProcess(controller.Value, Signals.Kill);
        var deadline = DateTime.UtcNow + Limit;
        while (Directory.Exists($"/proc/{controller.Value}") && !File.ReadAllText($"/proc/{controller.Value}/status").Contains("zombie", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the controller did not end");
            await Task.Delay(50);
        }

        var record = await _sandbox.RunRecordAsync(_name);

        Assert.Equal("controller_lost", record.GetProperty("reason").GetString());
        Assert.Empty(ContainersOfTheRun());
        Assert.Empty(RemoteFoldersOf(_name));
    }

    [DockerFact]
    public async Task Run_TwoNodesWithImage_OneContainerPerHost_WithRanks()
    {
        File.AppendAllLines(Path.Combine(_sandbox.Home, "config.yml"),
            ["  - name: lo2", $"    user: {LoopbackSshd.User}", "    host: localhost", $"    port: {_sshd.Port}", $"    identity_file: {_sshd.ClientKey}"]);
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nnodes: 2\nimage: {DockerFactAttribute.Image}\ncommands:\n  - echo \"rank=$DSTACK_NODE_RANK nodes=$DSTACK_NODES_NUM in=$(pwd)\"\n");

        var result = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("[0] rank=0 nodes=2 in=/workflow\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("[1] rank=1 nodes=2 in=/workflow\n", result.Output, StringComparison.Ordinal);
        Assert.Empty(ContainersOfTheRun());
        Assert.Empty(RemoteFoldersOf(_name));
    }

    [DockerFact]
    public async Task Run_MasterDropsMidRun_TheContainerGoesOn_AndTheLogHasEveryLineOnce()
    {
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\ncommands:\n  - i=1; while [ $i -le 12 ]; do echo line-$i; i=$((i+1)); sleep 0.5; done\n");
        var submit = await _sandbox.Start("run", "-b", "ssh", "-y", "-d").WaitAsync(Limit);
        Assert.True(submit.Code == 0, submit.ToString());
        await _sandbox.WaitForLogsAsync(_name, "line-2", Limit);

        var master = MasterPid();
        Assert.True(master is { } pid && Signals.SignalProcess(pid, Signals.Terminate), "the host's control master was not found");
        await _sandbox.WaitForLogsAsync(_name, "line-12", Limit);
        var deadline = DateTime.UtcNow + Limit;
        while ((await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString() is not ("done" or "failed" or "terminated" or "aborted"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not end");
            await Task.Delay(200);
        }

        var logs = await _sandbox.RunAsync("logs", _name);
        Assert.Equal("done", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        Assert.Equal([.. Enumerable.Range(1, 12).Select(i => $"line-{i}")], logs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("line-", StringComparison.Ordinal)));
        Assert.Empty(ContainersOfTheRun());
    }

    [Fact]
    public async Task Run_ImageAndAHostWithoutAnEngine_IsLeftOutWithTheReasonAndTheFix()
    {
        using var bare = new LoopbackSshd(withoutDocker: true);
        _sandbox.UseSshHost(bare);
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\ncommands:\n  - echo never\n");

        var result = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(Limit);

        Assert.True(result.Code != 0, result.ToString());
        Assert.Contains($"image: lo has no Docker engine the user {LoopbackSshd.User} can use", result.ToString(), StringComparison.Ordinal);
        Assert.Contains("install docker.io there and add the user to the docker group, or remove image:", result.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("never\n", result.Output, StringComparison.Ordinal);
    }

    /// <summary>The control master of the run's host (SIGTERM ends it as a dropped link does, its forwards with it).</summary>
    private int? MasterPid()
    {
        var host = new SshHost("lo", LoopbackSshd.User, "127.0.0.1", _sshd.Port, _sshd.ClientKey);
        var command = new SshCommand(new DstackHome(_sandbox.Home), host);
        var check = ProgramOutput.Run(SshCommand.Program, [.. command.Options(shareConnection: true), "-O", "check", "--", host.Destination], null, TimeSpan.FromSeconds(10));
        var match = Regex.Match(check.Output + check.Error, @"pid=(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The run's containers, stopped or not (every job container carries the run's name as a label).</summary>
    private IReadOnlyList<string> ContainersOfTheRun() =>
        ProgramOutput.Run("docker", ["ps", "-aq", "--filter", $"label=dstack.run={_name}"], null, TimeSpan.FromSeconds(30)).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The run's folders under the login user's ~/.dstack-runs (the "host" is this machine).</summary>
    private static IReadOnlyList<string> RemoteFoldersOf(string runName)
    {
        var root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack-runs");
        return Directory.Exists(root) ? [.. Directory.EnumerateDirectories(root, runName + "-*")] : [];
    }
}
