using System.Text.Json;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;
using static Dstack.Runtime.Tests.Aws.AwsRunEndToEndTests;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// The real CLI against the fake EC2 with namespace hosts, where the cloud takes machines back: a spot instance
/// interrupted while its job runs (the run fails as interrupted, or with <c>--retry</c> runs again on a new instance),
/// and a released address handed to a new instance with a new host key (each instance has its own known_hosts).
/// </summary>
public sealed class AwsInterruptionEndToEndTests
{
    /// <summary>A task that says it started (a marker file the test sees), then sleeps until the test interrupts it.</summary>
    private static string SleeperTask(string marker) =>
        $"type: task\nname: spotty\ncommands:\n  - if [ -e {marker} ]; then echo second-attempt-ran; exit 0; fi\n  - touch {marker}\n  - sleep 120\n";

    [NetnsFact]
    public async Task SpotJob_Interrupted_WithoutRetry_FailsAsInterrupted_AndNoInstanceIsLeft()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-spot-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake);

            // A window longer than the CLI's time limit here: the interruption must end the run without waiting for it.
            environment["DSTACK_SSH_RECONNECT_SECONDS"] = "600";
            var marker = Path.Combine(root, "started");
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), SleeperTask(marker));

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var run = await RunAsync(project, environment, ["run", "-y", "-b", "aws", "--spot", "--instance-type", "m5.xlarge"], afterStart: async _ =>
            {
                await WaitUntilAsync(() => File.Exists(marker));
                fake.Interrupt(Assert.Single(fake.Instances).Id);
            });
            // The controller terminates the instance after it recorded the end the CLI saw.
            await WaitUntilAsync(() => fake.LiveInstances.Count == 0 && NoInstanceFolders(environment));
            var ps = await RunAsync(project, environment, "ps", "-a", "--json");
            var table = await RunAsync(project, environment, "ps", "-a");

            Assert.NotEqual(0, run.Code);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the interruption took {clock.Elapsed} to be noticed: it waited for the reconnect window (600 s)");
            var instance = Assert.Single(fake.Instances);
            Assert.True(instance.Spot);
            Assert.Contains($"dstack: {instance.Id} (m5.xlarge spot, us-east-1) was interrupted", run.Error, StringComparison.Ordinal);
            Assert.Contains("add `retry: {on_events: [interruption]}` to", run.Error, StringComparison.Ordinal);
            Assert.Contains(".dstack.yml", run.Error, StringComparison.Ordinal);
            var record = JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0];
            Assert.Equal(("failed", "interrupted_by_no_capacity"), (record.GetProperty("status").GetString(), record.GetProperty("reason").GetString()));
            Assert.Contains("interrupted", table.Output, StringComparison.Ordinal);
            Assert.Empty(fake.LiveInstances);
            Assert.False(Directory.Exists(Path.Combine(environment["DSTACK_HOME"], "ssh", "instances", instance.Id)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [NetnsFact]
    public async Task SpotJob_Interrupted_WithRetry_RunsAgainOnANewInstance_AndEndsDone()
    {
        using var hosts = new NetnsHosts(2);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-spot-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake);
            environment["DSTACK_SSH_RECONNECT_SECONDS"] = "2";
            var marker = Path.Combine(root, "started");
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), SleeperTask(marker) + "retry:\n  on_events: [interruption]\n");

            var run = await RunAsync(project, environment, ["run", "-y", "-b", "aws", "--spot", "--instance-type", "m5.xlarge"], afterStart: async _ =>
            {
                await WaitUntilAsync(() => File.Exists(marker));
                fake.Interrupt(Assert.Single(fake.Instances).Id);
            });
            await WaitUntilAsync(() => fake.LiveInstances.Count == 0 && NoInstanceFolders(environment), () => Left(fake, environment, run));
            var ps = await RunAsync(project, environment, "ps", "-a", "--json");

            Assert.True(run.Code == 0, run.ToString());
            Assert.Equal(2, fake.Instances.Count);
            Assert.Contains($"dstack: {fake.Instances[0].Id} (m5.xlarge spot, us-east-1) was interrupted", run.Error, StringComparison.Ordinal);
            Assert.Contains("second-attempt-ran", run.Output, StringComparison.Ordinal);
            var record = JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0];
            Assert.Equal("done", record.GetProperty("status").GetString());
            Assert.Empty(fake.LiveInstances);
            Assert.Equal(FakeEc2.SpotTermination, fake.Instances[0].StateReason);
            Assert.True(NoInstanceFolders(environment));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// EC2 reuses addresses, each new instance with new host keys: one known_hosts for every instance would refuse
    /// the second ("host key changed"); each instance's own known_hosts accepts it, and is deleted with it.
    /// </summary>
    [NetnsFact]
    public async Task TwoRuns_InstancesAtTheSameAddressWithNewHostKeys_BothSucceed()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts, reuseAddresses: true));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-keys-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake);

            var first = await RunAsync(project, environment, "run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
            await WaitUntilAsync(() => fake.LiveInstances.Count == 0);
            var second = await RunAsync(project, environment, "run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
            await WaitUntilAsync(() => fake.LiveInstances.Count == 0 && NoInstanceFolders(environment));

            Assert.True(first.Code == 0, first.ToString());
            Assert.True(second.Code == 0, second.ToString());
            Assert.Equal(2, fake.Instances.Count);
            Assert.Equal(fake.Instances[0].Machine.PublicIpAddress, fake.Instances[1].Machine.PublicIpAddress);
            Assert.Contains("hello-from-ec2", second.Output, StringComparison.Ordinal);
            Assert.Empty(fake.LiveInstances);
            Assert.True(NoInstanceFolders(environment));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>True when no instance has its own known_hosts folder left under <c>$DSTACK_HOME/ssh/instances</c>.</summary>
    /// <summary>What is left when a wait for the end gives up: the live instances, the instance folders, the run's output.</summary>
    private static string Left(FakeEc2 fake, Dictionary<string, string> environment, (int Code, string Output, string Error) run)
    {
        var instances = Path.Combine(environment["DSTACK_HOME"], "ssh", "instances");
        var folders = Directory.Exists(instances) ? string.Join(", ", Directory.GetFileSystemEntries(instances).Select(Path.GetFileName)) : "none";
        var log = new Dstack.Runtime.State.DstackHome(environment["DSTACK_HOME"]).ControllerLog("spotty");
        var controller = File.Exists(log) ? File.ReadAllText(log) : "(no controller.log)";
        return $"live instances [{string.Join(", ", fake.LiveInstances.Select(i => i.Id))}] of [{string.Join(", ", fake.Instances.Select(i => i.Id))}], instance folders [{folders}]; run exited {run.Code}\n{run.Output}\n{run.Error}\ncontroller.log:\n{controller}";
    }

    private static bool NoInstanceFolders(Dictionary<string, string> environment)
    {
        var instances = Path.Combine(environment["DSTACK_HOME"], "ssh", "instances");
        return !Directory.Exists(instances) || Directory.GetFileSystemEntries(instances).Length == 0;
    }
}
