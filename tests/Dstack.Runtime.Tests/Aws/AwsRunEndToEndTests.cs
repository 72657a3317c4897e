using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>dstack run -b aws</c> through the real CLI (and its controller process) against the fake EC2 endpoint, reached
/// through <c>AWS_ENDPOINT_URL_EC2</c> as a user's CLI would reach EC2: an instance is a network-namespace host with a
/// real sshd that lets the imported project key in. The plan offers EC2 types, the instance is created, the job runs
/// there over SSH with its output streamed, and the instance is terminated at the end: none is left in the fake.
/// </summary>
public sealed class AwsRunEndToEndTests
{
    private static readonly string Cli = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack");

    [NetnsFact]
    public async Task Run_OnAws_CreatesTheInstance_RunsTheJobThere_AndTerminatesIt()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-e2e-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake);

            var run = await RunAsync(project, environment, "run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
            var ps = await RunAsync(project, environment, "ps", "-a", "--json");

            Assert.True(run.Code == 0, run.ToString() + hosts.SshdErrors(0));
            Assert.Contains(" aws ", run.Output, StringComparison.Ordinal);
            Assert.Contains("m5.xlarge", run.Output, StringComparison.Ordinal);
            var instance = Assert.Single(fake.Instances);
            Assert.Contains($"hello-from-ec2 {hosts.Hosts[0].Address}", run.Output, StringComparison.Ordinal);
            Assert.Equal("on-ec2", instance.Tags["dstack:run"]);
            Assert.Empty(fake.LiveInstances);
            var record = JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0];
            Assert.Equal(("aws (m5.xlarge)", "us-east-1", "done"), (record.GetProperty("backend").GetString(), record.GetProperty("region").GetString(), record.GetProperty("status").GetString()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [NetnsFact]
    public async Task Run_OnAws_NoCapacityOnTheTwoCheapest_TheThirdIsUsed_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        fake.FailNext("RunInstances", "InsufficientInstanceCapacity", message: "We currently do not have sufficient m5.xlarge capacity in the Availability Zone you requested.", when: r => r["InstanceType"] == "m5.xlarge");
        fake.FailNext("RunInstances", "InsufficientInstanceCapacity", message: "We currently do not have sufficient g4dn.xlarge capacity in the Availability Zone you requested.", when: r => r["InstanceType"] == "g4dn.xlarge");
        var root = Directory.CreateTempSubdirectory("dstack-aws-e2e-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake);

            var run = await RunAsync(project, environment, "run", "-y", "-b", "aws", "--instance-type", "m5.xlarge", "--instance-type", "g4dn.xlarge", "--instance-type", "g5.xlarge");

            Assert.True(run.Code == 0, run.ToString());
            Assert.Contains("m5.xlarge (on-demand) in us-east-1: InsufficientInstanceCapacity", run.Error, StringComparison.Ordinal);
            Assert.Contains("trying the next offer: g4dn.xlarge in us-east-1", run.Error, StringComparison.Ordinal);
            Assert.Contains("trying the next offer: g5.xlarge in us-east-1", run.Error, StringComparison.Ordinal);
            Assert.Equal("g5.xlarge", Assert.Single(fake.Instances).InstanceType);
            Assert.Contains("hello-from-ec2", run.Output, StringComparison.Ordinal);
            Assert.Empty(fake.LiveInstances);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A project with a one-line task and a DSTACK_HOME whose config.yml points the aws backend at the fake.</summary>
    internal static async Task<(string Project, Dictionary<string, string> Environment)> SandboxAsync(string root, FakeEc2 fake)
    {
        var project = Path.Combine(root, "project");
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(project);
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), "type: task\nname: on-ec2\ncommands:\n  - echo hello-from-ec2 \"$DSTACK_NODES_IPS\"\n");
        await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), $"""
            backends:
              - type: aws
                creds:
                  type: access_key
                  access_key: {fake.AccessKey}
                  secret_key: {fake.SecretKey}
                regions: [us-east-1]
                os_images:
                  cpu:
                    name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
                    owner: "{FakeImage.Canonical}"
                    user: {NetnsMachines.User}
                  nvidia:
                    name: "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)*"
                    owner: amazon
                    user: {NetnsMachines.User}
            """);
        return (project, new Dictionary<string, string>(fake.Environment()) { ["DSTACK_HOME"] = home, ["DSTACK_SSH_CONFIG_INCLUDE"] = "0" });
    }

    [Fact]
    public async Task Offer_OnAws_ComesFromTheShippedCatalog_WithoutCredentialsOrNetwork()
    {
        var root = Directory.CreateTempSubdirectory("dstack-aws-offer-").FullName;
        try
        {
            var home = Path.Combine(root, "home");
            Directory.CreateDirectory(home);
            await File.WriteAllTextAsync(Path.Combine(root, ".dstack.yml"), "type: task\ncommands: [nvidia-smi]\n");
            await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), "backends:\n  - type: aws\n    creds:\n      type: default\n");
            // No credentials and an endpoint nothing listens on: an offer that asked EC2 would fail or wait.
            var environment = new Dictionary<string, string> { ["DSTACK_HOME"] = home, ["AWS_ENDPOINT_URL_EC2"] = "http://127.0.0.1:9", ["AWS_ACCESS_KEY_ID"] = string.Empty, ["AWS_SECRET_ACCESS_KEY"] = string.Empty };

            var offer = await RunAsync(root, environment, "offer", "-b", "aws", "--gpu", "A100:80GB:8", "--json");

            Assert.True(offer.Code == 0, offer.ToString());
            var offers = JsonDocument.Parse(offer.Output).RootElement.GetProperty("offers").EnumerateArray().ToList();
            Assert.NotEmpty(offers);
            Assert.All(offers, o => Assert.Equal("aws", o.GetProperty("backend").GetString()));
            Assert.All(offers, o => Assert.StartsWith("p4de.", o.GetProperty("instance").GetString(), StringComparison.Ordinal));
            var prices = offers.Select(o => o.GetProperty("price").GetDecimal()).ToList();
            Assert.Equal(prices.Order(), prices);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Leak cases: however the run ends (its job fails, max_duration, a Ctrl+C while the instance is still pending, its
    /// controller killed and a later dstack command reconciling), no instance is left in the account.
    /// </summary>
    [NetnsTheory]
    [InlineData("job-fails")]
    [InlineData("max-duration")]
    [InlineData("ctrl-c-while-pending")]
    [InlineData("controller-killed")]
    public async Task Run_OnAws_EveryWayItEnds_LeavesNoInstance(string way)
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = way == "ctrl-c-while-pending" ? 100_000 : 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-leak-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake);
            var commands = way switch
            {
                "job-fails" => "  - exit 3\n",
                _ => "  - sleep 120\n",
            };
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), $"type: task\nname: leaky\ncommands:\n{commands}");
            string[] run = ["run", "-y", "-b", "aws", "--instance-type", "m5.xlarge"];
            switch (way)
            {
                case "job-fails":
                    Assert.Equal(3, (await RunAsync(project, environment, run)).Code);
                    break;
                case "max-duration":
                    Assert.NotEqual(0, (await RunAsync(project, environment, [.. run, "--max-duration", "3"])).Code);
                    break;
                case "ctrl-c-while-pending":
                    await RunAsync(project, environment, run, afterStart: async process =>
                    {
                        await WaitUntilAsync(() => fake.Instances.Count == 1);
                        Dstack.Runtime.Processes.Signals.SignalProcess(process.Id, Dstack.Runtime.Processes.Signals.Interrupt);
                    });
                    await WaitUntilAsync(() => fake.LiveInstances.Count == 0);
                    break;
                case "controller-killed":
                    Assert.Equal(0, (await RunAsync(project, environment, [.. run, "-d"])).Code);
                    await WaitUntilAsync(() => fake.LiveInstances.Count == 1 && hosts.Hosts.Count > 0);
                    var controller = AwsCliSandbox.ControllerOf(environment["DSTACK_HOME"]);
                    Assert.NotNull(controller);
                    await WaitUntilAsync(() => JsonDocument.Parse(RunAsync(project, environment, "ps", "--json").GetAwaiter().GetResult().Output).RootElement.GetProperty("runs").EnumerateArray().Any(r => r.GetProperty("status").GetString() == "running"));
                    Dstack.Runtime.Processes.Signals.SignalProcess(controller.Value, Dstack.Runtime.Processes.Signals.Kill);
                    await WaitUntilAsync(() => !Dstack.Runtime.Processes.Signals.IsAlive(controller.Value));
                    // Any later command reconciles: the run is lost, its job killed on the host, its instance terminated.
                    var ps = await RunAsync(project, environment, "ps", "-a", "--json");
                    Assert.Equal("controller_lost", JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0].GetProperty("reason").GetString());
                    break;
            }

            Assert.Single(fake.Instances);
            Assert.Empty(fake.LiveInstances);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 60 s" + (describe is null ? string.Empty : ": " + describe()));
            await Task.Delay(100);
        }
    }

    internal static Task<(int Code, string Output, string Error)> RunAsync(string folder, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(folder, environment, args, afterStart: null);

    internal static async Task<(int Code, string Output, string Error)> RunAsync(string folder, IReadOnlyDictionary<string, string> environment, string[] args, Func<Process, Task>? afterStart)
    {
        var start = new ProcessStartInfo(Cli) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (afterStart is not null)
        {
            await afterStart(process);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
