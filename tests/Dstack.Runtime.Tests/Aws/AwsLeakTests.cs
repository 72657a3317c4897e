using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// The leak cases of the AWS backend through the real CLI, its controller process and the fake EC2 with
/// network-namespace hosts: a Ctrl+C to the attached CLI, or a SIGKILL of the controller followed by a plain
/// <c>dstack ps</c>, at each stage of a run (before the instance exists, while it is pending, while the code is
/// uploaded, while the job runs); an instance that never answers SSH; throttled launches. However it ends, no instance
/// is left in the fake and <c>dstack instance list</c> shows none. (Each case has its own fake and namespace host: a
/// terminated instance's host is killed, and a case's faults and holds must not reach another.)
/// </summary>
public sealed class AwsLeakTests
{
    private const string RunName = "leaky";

    private static readonly string[] Run = ["run", "-y", "-b", "aws", "--instance-type", "m5.xlarge"];

    /// <summary>Stops the run (a Ctrl+C to the attached CLI, or SIGKILL to its controller then <c>dstack ps</c>) at a stage.</summary>
    [NetnsTheory]
    [InlineData("ctrl-c", "before-instance")]
    [InlineData("ctrl-c", "uploading")]
    [InlineData("ctrl-c", "running")]
    [InlineData("controller-killed", "before-instance")]
    [InlineData("controller-killed", "pending")]
    [InlineData("controller-killed", "uploading")]
    public async Task Run_OnAws_StoppedAtAStage_LeavesNoInstance(string way, string stage)
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = stage == "pending" ? 100_000 : 0;
        using var sandbox = AwsCliSandbox.Create(fake);
        sandbox.Write(".dstack.yml", $"type: task\nname: {RunName}\ncommands:\n  - echo started\n  - sleep 120\n");
        var hold = stage == "before-instance" ? fake.HoldNext("RunInstances") : null;
        if (stage == "uploading")
        {
            // A working copy that takes seconds to reach the host: 3 MB of noise through a 2 Mbit/s link.
            await File.WriteAllBytesAsync(Path.Combine(sandbox.Project, "data.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 << 20));
            SlowLinkTo(hosts, 0);
        }

        using var cli = sandbox.Start(way == "ctrl-c" ? Run : [.. Run, "-d"]);
        if (way == "controller-killed")
        {
            Assert.Equal(0, await cli.WaitAsync());
        }

        await ReachAsync(stage, fake, sandbox, cli, hold);
        if (way == "ctrl-c")
        {
            Signals.SignalProcess(cli.Id, Signals.Interrupt);
            await cli.WaitForTextAsync($"Stopping {RunName}");
            await ReleaseAfterTheClientGaveUpAsync(hold);
            Assert.NotEqual(0, await cli.WaitAsync());
        }
        else
        {
            var controller = sandbox.Controller();
            Assert.NotNull(controller);
            Signals.SignalProcess(controller.Value, Signals.Kill);
            await AwsWait.UntilAsync(() => !Signals.IsAlive(controller.Value), "the controller to die");
            if (hold is not null)
            {
                // EC2 carries out a launch whose caller died: the instance exists, known only by its client token.
                await hold.Abandoned.WaitAsync(TimeSpan.FromSeconds(30));
                hold.Release();
                await AwsWait.UntilAsync(() => fake.Instances.Count == 1, "the held launch to make its instance");
            }

            // Any later command reconciles the dead controller's run: its instance is terminated.
            var run = Assert.Single(await sandbox.RunsAsync());
            Assert.Equal("controller_lost", run.GetProperty("reason").GetString());
        }

        await AwsWait.UntilAsync(() => fake.LiveInstances.Count == 0, $"no live instance in the fake (left: {string.Join(", ", fake.LiveInstances.Select(i => i.Id))})\n{cli}");
        Assert.Single(fake.Instances);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    /// <summary>An instance that never answers SSH is terminated once the ready limit (DSTACK_AWS_READY_SECONDS) passes, and the run fails saying so.</summary>
    [NetnsFact]
    public async Task Run_OnAws_InstanceNeverAnswersSsh_IsTerminatedAfterTheLimit_AndTheRunFailsSayingSo()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        fake.UnreachableNext();
        using var sandbox = AwsCliSandbox.Create(fake, new Dictionary<string, string> { [AwsBackend.ReadyLimitVariable] = "4" });
        sandbox.Write(".dstack.yml", $"type: task\nname: {RunName}\ncommands:\n  - echo never-runs\n");

        var run = await sandbox.RunAsync(Run);

        Assert.NotEqual(0, run.Code);
        Assert.Contains("did not answer SSH (port 22) within 4 seconds (DSTACK_AWS_READY_SECONDS changes it); it was terminated", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("never-runs", run.Output, StringComparison.Ordinal);
        Assert.Single(fake.Instances);
        Assert.Empty(fake.LiveInstances);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    /// <summary>RunInstances answered RequestLimitExceeded twice: the SDK backs off and sends it again, and the run succeeds on one instance.</summary>
    [NetnsFact]
    public async Task Run_OnAws_RunInstancesThrottled_TheSdkRetries_AndTheRunSucceeds()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        fake.Throttle("RunInstances", times: 2);
        using var sandbox = AwsCliSandbox.Create(fake);
        sandbox.Write(".dstack.yml", $"type: task\nname: {RunName}\ncommands:\n  - echo after-the-throttle\n");

        var run = await sandbox.RunAsync(Run);

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("after-the-throttle", run.Output, StringComparison.Ordinal);
        Assert.Equal(["RequestLimitExceeded", "RequestLimitExceeded", null], fake.CallsTo("RunInstances").Select(c => c.ErrorCode));
        Assert.Single(fake.Instances);
        Assert.Empty(fake.LiveInstances);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    /// <summary>Waits until the run is at <paramref name="stage"/>.</summary>
    private static async Task ReachAsync(string stage, FakeEc2 fake, AwsCliSandbox sandbox, AwsCliProcess cli, FakeHold? hold)
    {
        switch (stage)
        {
            case "before-instance":
                await hold!.Arrived.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Empty(fake.Instances);
                break;
            case "pending":
                await AwsWait.UntilAsync(() => fake.Instances.Count == 1 && fake.CallsTo("DescribeInstances").Count > 0, "a pending instance");
                break;
            case "uploading":
                await AwsWait.UntilAsync(async () => (await sandbox.EventKindsAsync()).LastOrDefault() == "uploading", $"the upload to start\n{cli}");
                break;
            case "running":
                await cli.WaitForTextAsync("started");
                break;
        }
    }

    /// <summary>
    /// Releases a held launch once its client gave up on it, or after 3 s when it waits for the answer (as it should: a
    /// launch in flight is carried out by EC2 either way, and only its answer says which instance to terminate).
    /// </summary>
    private static async Task ReleaseAfterTheClientGaveUpAsync(FakeHold? hold)
    {
        if (hold is null)
        {
            return;
        }

        await Task.WhenAny(hold.Abandoned, Task.Delay(TimeSpan.FromSeconds(3)));
        hold.Release();
    }

    /// <summary>Limits what reaches host <paramref name="i"/> to 2 Mbit/s (a token bucket on the root side of its link).</summary>
    internal static void SlowLinkTo(NetnsHosts hosts, int i)
    {
        var (code, index) = hosts.RunInHost(i, "cat /sys/class/net/eth0/iflink");
        Assert.Equal(0, code);
        var link = Directory.EnumerateFileSystemEntries("/sys/class/net").Select(Path.GetFileName)
            .Single(n => File.Exists($"/sys/class/net/{n}/ifindex") && File.ReadAllText($"/sys/class/net/{n}/ifindex").Trim() == index.Trim());
        using var tc = System.Diagnostics.Process.Start("tc", ["qdisc", "add", "dev", link!, "root", "tbf", "rate", "2mbit", "burst", "32kbit", "latency", "400ms"]);
        tc.WaitForExit();
        Assert.Equal(0, tc.ExitCode);
    }
}
