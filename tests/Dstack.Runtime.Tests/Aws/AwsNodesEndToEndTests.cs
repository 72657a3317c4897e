using System.Text.Json;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>nodes: 2</c> on AWS through the real CLI against the fake EC2 endpoint, each instance a network-namespace host
/// with a real sshd: both instances in the run's cluster placement group and one zone, the ranks talk over the master
/// address, the provisioning steps are in <c>dstack ps --json</c>, and at the end no instance and no group is left.
/// </summary>
public sealed class AwsNodesEndToEndTests
{
    [NetnsFact]
    public async Task Run_OnAws_TwoNodes_InOnePlacementGroup_TheRanksTalk_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(2);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-nodes-").FullName;
        try
        {
            var (project, environment) = await AwsRunEndToEndTests.SandboxAsync(root, fake);
            await File.WriteAllTextAsync(Path.Combine(project, "talk.py"), """
                import os, socket, sys, time
                rank, master = int(os.environ["DSTACK_NODE_RANK"]), os.environ["DSTACK_MASTER_NODE_IP"]
                deadline = time.monotonic() + 60
                if rank == 0:
                    server = socket.create_server(("0.0.0.0", 29500))
                    server.settimeout(60)
                    connection, peer = server.accept()
                    print(f"rank 0 got: {connection.recv(1024).decode()} (from {peer[0]})", flush=True)
                    connection.sendall(b"ack from rank 0")
                    connection.close()
                else:
                    while True:
                        try:
                            client = socket.create_connection((master, 29500), timeout=5)
                            break
                        except OSError as error:
                            if time.monotonic() > deadline:
                                sys.exit(f"rank 1 could not reach the master at {master}:29500: {error}")
                            time.sleep(0.1)
                    client.sendall(b"hello from rank 1")
                    print(f"rank 1 got: {client.recv(1024).decode()}", flush=True)
                """);
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), "type: task\nname: pair\nnodes: 2\ncommands:\n  - echo \"ips=$(echo $DSTACK_NODES_IPS)\"\n  - python3 talk.py\n");

            var run = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
            var ps = await AwsRunEndToEndTests.RunAsync(project, environment, "ps", "-a", "--json");

            Assert.True(run.Code == 0, run.ToString() + hosts.SshdErrors(0) + hosts.SshdErrors(1));
            var (first, second) = (hosts.Hosts[0].Address, hosts.Hosts[1].Address);
            Assert.Contains($"[0] ips={first} {second}\n", run.Output, StringComparison.Ordinal);
            Assert.Contains($"[0] rank 0 got: hello from rank 1 (from {second})\n", run.Output, StringComparison.Ordinal);
            Assert.Contains("[1] rank 1 got: ack from rank 0\n", run.Output, StringComparison.Ordinal);

            // Both instances in the run's cluster placement group, in one zone; at the end none is left, nor the group
            // (the controller deletes it once EC2 says its instances are terminated, which may be after the CLI returned).
            await AwsRunEndToEndTests.WaitUntilAsync(() => fake.PlacementGroups.Count == 0);
            Assert.Equal(2, fake.Instances.Count);
            var group = Assert.Single(fake.Instances.Select(i => i.PlacementGroup).Distinct());
            Assert.StartsWith("dstack-", group, StringComparison.Ordinal);
            Assert.EndsWith("-pair", group, StringComparison.Ordinal);
            Assert.Single(fake.Instances.Select(i => i.AvailabilityZone).Distinct());
            Assert.All(fake.CallsTo("CreatePlacementGroup"), c => Assert.Equal((group, "cluster"), (c["GroupName"], c["Strategy"])));
            Assert.Single(fake.CallsTo("DeletePlacementGroup"), c => c.ErrorCode is null);
            Assert.Empty(fake.LiveInstances);
            Assert.Empty(fake.PlacementGroups);

            // The provisioning steps of both jobs are in `dstack ps --json`.
            var events = JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0].GetProperty("events").EnumerateArray().ToList();
            var launching = events.Where(e => e.GetProperty("kind").GetString() == "provisioning_step" && e.GetProperty("step").GetString() == "launching").ToList();
            Assert.Equal([0, 1], launching.Select(e => e.GetProperty("rank").GetInt32()).Order());
            Assert.All(launching, e => Assert.Equal($"launching m5.xlarge (on-demand) in us-east-1 in the placement group {group}", e.GetProperty("detail").GetString()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
