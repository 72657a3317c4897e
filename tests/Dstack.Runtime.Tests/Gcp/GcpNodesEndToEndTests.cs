using System.Text.Json;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Gcp.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// <c>nodes: 2</c> on GCP through the real CLI against the fake Compute Engine, each instance a network-namespace host
/// with a real sshd: both instances in one zone with the run's compact placement policy, the ranks talk over the master
/// address, and at the end neither an instance nor the policy is left.
/// </summary>
public sealed class GcpNodesEndToEndTests
{
    [NetnsFact]
    public async Task Run_OnGcp_TwoNodes_OneZoneOneCompactPolicy_TheRanksTalk_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(2);
        await using var fake = await FakeGcp.StartAsync(new NetnsMachines(hosts));
        var root = Directory.CreateTempSubdirectory("dstack-gcp-nodes-").FullName;
        try
        {
            var (project, environment) = await GcpRunEndToEndTests.SandboxAsync(root, fake, "true");
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
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), "type: task\nname: pair\nnodes: 2\ncommands:\n  - python3 talk.py\n");

            var run = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "-y", "-b", "gcp", "--instance-type", "n2-standard-8");

            Assert.True(run.Code == 0, run.ToString() + hosts.SshdErrors(0) + hosts.SshdErrors(1));
            var second = hosts.Hosts[1].Address;
            Assert.Contains($"[0] rank 0 got: hello from rank 1 (from {second})\n", run.Output, StringComparison.Ordinal);
            Assert.Contains("[1] rank 1 got: ack from rank 0\n", run.Output, StringComparison.Ordinal);

            // Both instances in one zone with the run's compact placement policy; at the end none is left, nor the policy.
            await AwsRunEndToEndTests.WaitUntilAsync(() => fake.ResourcePolicies.Count == 0);
            var inserts = fake.Calls.Where(c => c.Method == "POST" && c.Collection == "instances").ToList();
            Assert.Equal(2, inserts.Count);
            Assert.Single(inserts.Select(i => i.Zone).Distinct());
            var policy = Assert.Single(fake.Calls, c => c.Method == "POST" && c.Collection == "resourcePolicies" && c.Name is null).Body!;
            Assert.Equal(("COLLOCATED", 2), ((string?)policy["groupPlacementPolicy"]!["collocation"], (int?)policy["groupPlacementPolicy"]!["vmCount"]));
            Assert.EndsWith("-pair", (string?)policy["name"], StringComparison.Ordinal);
            Assert.All(inserts, i => Assert.EndsWith($"/resourcePolicies/{(string?)policy["name"]}", (string?)i.Body!["resourcePolicies"]![0], StringComparison.Ordinal));
            Assert.Contains(fake.Calls, c => c.Method == "DELETE" && c.Collection == "resourcePolicies");
            Assert.Empty(fake.LiveInstances);
            Assert.Empty(fake.ResourcePolicies);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
