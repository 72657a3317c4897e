using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>dstack run -b aws</c> with <c>image:</c> through the real CLI and the fake EC2: the launch's user data installs
/// Docker, the readiness step waits for the engine over SSH, the job runs in a container on the instance (a
/// network-namespace host whose engine is this machine's), and neither the container nor the instance is left.
/// </summary>
public sealed class AwsContainerEndToEndTests
{
    private const string Image = "localhost/busybox:1.35";

    [NetnsDockerFact]
    public async Task Run_OnAwsWithImage_InstallsDockerAtBoot_RunsTheJobInAContainer_AndLeavesNothing()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-ctr-").FullName;
        var name = "ec2ctr-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var (project, environment) = await AwsRunEndToEndTests.SandboxAsync(root, fake);
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), $"type: task\nname: {name}\nimage: {Image}\ncommands:\n  - test -f /.dockerenv && echo \"boxed in=$(pwd)\"\n");

            var run = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");

            Assert.True(run.Code == 0, run.ToString() + hosts.SshdErrors(0));
            Assert.Contains("boxed in=/workflow", run.Output, StringComparison.Ordinal);
            var instance = Assert.Single(fake.Instances);
            Assert.Contains("apt-get install -y docker.io", instance.UserDataText, StringComparison.Ordinal);
            Assert.Contains($"[usermod, -aG, docker, {NetnsMachines.User}]", instance.UserDataText, StringComparison.Ordinal);
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
