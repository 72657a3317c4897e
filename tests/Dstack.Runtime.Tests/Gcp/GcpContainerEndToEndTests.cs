using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Gcp.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// <c>dstack run -b gcp</c> with <c>image:</c> through the real CLI and the fake Compute Engine: the instance's
/// user-data installs Docker, the readiness step waits for the engine over SSH, the job runs in a container on the
/// instance (a network-namespace host whose engine is this machine's), and neither the container nor the instance is left.
/// </summary>
public sealed class GcpContainerEndToEndTests
{
    private const string Image = "localhost/busybox:1.35";

    [NetnsDockerFact]
    public async Task Run_OnGcpWithImage_InstallsDockerAtBoot_WaitsForIt_RunsTheJobInAContainer_AndLeavesNothing()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeGcp.StartAsync(new NetnsMachines(hosts));
        var root = Directory.CreateTempSubdirectory("dstack-gcp-ctr-").FullName;
        var name = "gcectr-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var (project, environment) = await GcpRunEndToEndTests.SandboxAsync(root, fake, "true");
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), $"type: task\nname: {name}\nimage: {Image}\ncommands:\n  - test -f /.dockerenv && echo \"boxed in=$(pwd)\"\n");

            var run = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "-y", "-b", "gcp", "--instance-type", "e2-standard-4");
            var ps = await AwsRunEndToEndTests.RunAsync(project, environment, "ps", "-a", "--json");

            Assert.True(run.Code == 0, run.ToString() + hosts.SshdErrors(0));
            Assert.Contains("boxed in=/workflow", run.Output, StringComparison.Ordinal);
            var insert = Assert.Single(fake.Calls, c => c.Method == "POST" && c.Collection == "instances");
            var userData = insert.Body!["metadata"]!.ToJsonString();
            Assert.Contains("apt-get install -y docker.io", userData, StringComparison.Ordinal);
            Assert.Contains($"[usermod, -aG, docker, {NetnsMachines.User}]", userData, StringComparison.Ordinal);
            Assert.Contains("\"step\":\"waiting_for_docker\"", ps.Output.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Empty(fake.LiveInstances);
            var left = ProgramOutput.Run("docker", ["ps", "-aq", "--filter", $"label=dstack.run={name}"], null, TimeSpan.FromSeconds(30));
            Assert.Equal(string.Empty, left.Output.Trim());
        }
        finally
        {
            foreach (var id in ProgramOutput.Run("docker", ["ps", "-aq", "--filter", $"label=dstack.run={name}"], null, TimeSpan.FromSeconds(30)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                ProgramOutput.Run("docker", ["rm", "--force", id.Trim()], null, TimeSpan.FromSeconds(30));
            }

            Directory.Delete(root, recursive: true);
        }
    }
}
