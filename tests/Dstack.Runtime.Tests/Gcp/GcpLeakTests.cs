using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Gcp.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// The leak cases of the GCP backend through the real CLI, its controller process and the fake Compute Engine with a
/// network-namespace host: a Ctrl+C to the attached CLI, or a SIGKILL of the controller followed by a plain
/// <c>dstack ps</c>, at each stage: the insert request in flight (held by the fake), its zone operation still RUNNING,
/// the instance PROVISIONING (its id not yet recorded: it is found by the name its token gives), RUNNING but not
/// answering SSH, the code uploading, the job running. However it ends, no instance (with its auto-deleted boot disk and
/// its NIC and external IP, which are part of it) is left in the fake, and no controller of ours runs.
/// </summary>
public sealed class GcpLeakTests
{
    private const string RunName = "leaky";

    private static readonly string Cli = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack");

    [NetnsTheory]
    [InlineData("ctrl-c", "insert-request")]
    [InlineData("ctrl-c", "operation-pending")]
    [InlineData("ctrl-c", "provisioning")]
    [InlineData("ctrl-c", "ssh-not-answering")]
    [InlineData("ctrl-c", "uploading")]
    [InlineData("ctrl-c", "running")]
    [InlineData("controller-killed", "insert-request")]
    [InlineData("controller-killed", "operation-pending")]
    [InlineData("controller-killed", "provisioning")]
    [InlineData("controller-killed", "ssh-not-answering")]
    [InlineData("controller-killed", "uploading")]
    [InlineData("controller-killed", "running")]
    public async Task Run_OnGcp_StoppedAtAStage_LeavesNoInstance(string way, string stage)
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeGcp.StartAsync(new NetnsMachines(hosts));
        fake.ProvisioningGets = stage == "provisioning" ? 100_000 : 0;
        fake.RunningWaits = stage == "operation-pending" ? 100_000 : 0;
        fake.UnreachableMachines = stage == "ssh-not-answering";
        var hold = stage == "insert-request" ? fake.HoldNextInsert() : null;
        var root = Directory.CreateTempSubdirectory("dstack-gcp-leak-").FullName;
        var home = Path.Combine(root, "home");
        try
        {
            var project = Path.Combine(root, "project");
            Directory.CreateDirectory(project);
            Directory.CreateDirectory(home);
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), $"type: task\nname: {RunName}\ncommands:\n  - echo started\n  - sleep 120\n");
            if (stage == "uploading")
            {
                // A working copy that takes seconds to reach the host: 3 MB of noise through a 2 Mbit/s link.
                await File.WriteAllBytesAsync(Path.Combine(project, "data.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 << 20));
                AwsLeakTests.SlowLinkTo(hosts, 0);
            }

            var key = fake.WriteServiceAccountKey(Path.Combine(home, "gcp-key.json"));
            await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), $"backends:\n  - type: gcp\n    project_id: fake-project-1\n    creds: {{type: service_account, filename: {key}}}\n    regions: [us-central1]\n");
            var environment = new Dictionary<string, string>
            {
                ["DSTACK_HOME"] = home,
                ["DSTACK_SSH_CONFIG_INCLUDE"] = "0",
                [GcpBackend.EndpointVariable] = fake.ComputeUri.ToString(),
                [GcpBackend.LoginUserVariable] = NetnsMachines.User,
            };
            string[] run = ["run", "-y", "-b", "gcp", "--instance-type", "e2-standard-4"];

            using var cli = Start(project, environment, way == "ctrl-c" ? run : [.. run, "-d"]);
            if (way == "controller-killed")
            {
                Assert.Equal(0, await cli.WaitAsync());
            }

            switch (stage)
            {
                case "insert-request":
                    await hold!.Arrived.WaitAsync(TimeSpan.FromSeconds(60));
                    Assert.Empty(fake.LiveInstances);
                    break;
                case "operation-pending":
                    await AwsWait.UntilAsync(() => fake.Calls.Count(c => c.Method == "POST" && c.Collection == "operations" && c.Zone is not null) >= 2, $"the insert's operation to be waited on\n{cli}");
                    break;
                case "provisioning":
                    await AwsWait.UntilAsync(() => fake.LiveInstances.Count == 1, $"the instance to be inserted\n{cli}");
                    break;
                case "ssh-not-answering":
                    await AwsWait.UntilAsync(() => fake.Calls.Any(c => c.Method == "GET" && c.Collection == "instances" && c.Name is not null), $"the RUNNING instance to be read\n{cli}");
                    break;
                case "uploading":
                    await AwsWait.UntilAsync(async () => await LastEventAsync(project, environment) == "uploading", $"the upload to start\n{cli}");
                    break;
                default:
                    await AwsWait.UntilAsync(() => way == "ctrl-c" ? Task.FromResult(cli.Output.Contains("started", StringComparison.Ordinal)) : RunningAsync(project, environment), $"the job to start\n{cli}");
                    break;
            }

            if (way == "ctrl-c")
            {
                Signals.SignalProcess(cli.Id, Signals.Interrupt);
                if (hold is not null)
                {
                    // The insert request is never cut off (Compute Engine would carry it out unseen): it is still
                    // waiting for its answer 3 s after the stop, and the instance it makes is then deleted.
                    await Task.WhenAny(hold.Abandoned, Task.Delay(TimeSpan.FromSeconds(3)));
                    Assert.False(hold.Abandoned.IsCompleted, $"the stop cut the insert request off\n{cli}");
                    hold.Release();
                }

                Assert.NotEqual(0, await cli.WaitAsync());
            }
            else
            {
                var controller = AwsCliSandbox.ControllerOf(home);
                Assert.NotNull(controller);
                Signals.SignalProcess(controller.Value, Signals.Kill);
                await AwsWait.UntilAsync(() => !Signals.IsAlive(controller.Value), "the controller to die");
                if (hold is not null)
                {
                    // Compute Engine carries out an insert whose caller died: the instance exists, known only by its name.
                    await hold.Abandoned.WaitAsync(TimeSpan.FromSeconds(30));
                    hold.Release();
                    await AwsWait.UntilAsync(() => fake.LiveInstances.Count == 1, "the held insert to make its instance");
                }

                using var ps = Start(project, environment, "ps", "-a", "--json");
                Assert.Equal(0, await ps.WaitAsync());
                Assert.Equal("controller_lost", JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0].GetProperty("reason").GetString());
            }

            await AwsWait.UntilAsync(() => fake.LiveInstances.Count == 0, $"no live instance in the fake (left: {string.Join(", ", fake.LiveInstances.Select(i => i.Name))})\n{cli}");
            var insert = Assert.Single(fake.Calls, c => c.Method == "POST" && c.Collection == "instances");
            Assert.True((bool?)insert.Body!["disks"]![0]!["autoDelete"]);
            // The controller deletes the instance first, then records the run's end and exits.
            await AwsWait.UntilAsync(() => AwsCliSandbox.ControllerOf(home) is null, "the controller to exit");
        }
        finally
        {
            if (AwsCliSandbox.ControllerOf(home) is { } controller)
            {
                Signals.SignalProcess(controller, Signals.Kill);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Whether <c>dstack ps --json</c> shows the run running.</summary>
    private static async Task<bool> RunningAsync(string project, IReadOnlyDictionary<string, string> environment)
    {
        using var ps = Start(project, environment, "ps", "--json");
        return await ps.WaitAsync() == 0 && JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs") is { ValueKind: JsonValueKind.Array } runs
            && runs.EnumerateArray().Any(r => r.GetProperty("status").GetString() == "running");
    }

    /// <summary>The kind of the newest progress event of the only run (<c>dstack ps --json</c>); null when none.</summary>
    private static async Task<string?> LastEventAsync(string project, IReadOnlyDictionary<string, string> environment)
    {
        using var ps = Start(project, environment, "ps", "--json");
        return await ps.WaitAsync() == 0 && JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs") is { ValueKind: JsonValueKind.Array } runs
            && runs.EnumerateArray().ToList() is [var run] && run.GetProperty("events").EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } last
            ? last.GetProperty("kind").GetString()
            : null;
    }

    private static AwsCliProcess Start(string project, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Cli) { WorkingDirectory = project };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("NO_COLOR");
        return new AwsCliProcess(start);
    }
}
