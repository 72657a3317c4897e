using System.Text.Json;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Azure.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// Spot VMs and several nodes through the real CLI and its controller against <see cref="FakeArm"/>, each VM a
/// network-namespace host with a real sshd: a Spot VM evicted while its job runs ends the attempt as an interruption and
/// <c>retry: on_events: [interruption]</c> runs the job again on a new VM; <c>nodes: 2</c> makes both VMs in one
/// proximity placement group and the ranks talk. However a run ends (a killed controller included), no VM and no group is
/// left.
/// </summary>
public sealed class AzureSpotAndNodesEndToEndTests
{
    [NetnsFact]
    public async Task SpotVm_Evicted_WithRetry_RunsAgainOnANewVm_ItsExitCodeComesBack_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(2);
        await using var arm = await FakeArm.StartAsync(new NetnsMachines(hosts));
        using var sandbox = AzureCliSandbox.Create(arm);
        sandbox.Environment["DSTACK_SSH_RECONNECT_SECONDS"] = "2";
        var marker = Path.Combine(sandbox.Root, "started");
        sandbox.Write(".dstack.yml", $"type: task\nname: spotty\ncommands:\n  - if [ -e {marker} ]; then echo second-attempt-ran; exit 3; fi\n  - touch {marker}\n  - sleep 120\nretry:\n  on_events: [interruption]\n");

        using var cli = sandbox.Start("run", "-y", "-b", "azure", "--spot", "--max-price", "1", "--instance-type", "Standard_D2s_v5");
        await AzureWait.UntilAsync(() => File.Exists(marker), "the first attempt to start", 90);
        var first = Assert.Single(arm.LiveVms);
        arm.Evict(first);
        var code = await cli.WaitAsync();
        await AzureWait.UntilAsync(() => arm.LiveVms.Count == 0, "no VM left", 60);
        var ps = await sandbox.RunAsync("ps", "-a", "--json");

        Assert.True(code == 3, cli.ToString());
        Assert.Contains($"dstack: {first.ResourceGroup}/{first.Name} (Standard_D2s_v5 spot, eastus) was interrupted: ARM no longer has the Spot VM: Azure evicted it", cli.Error, StringComparison.Ordinal);
        Assert.Contains("second-attempt-ran", cli.Output, StringComparison.Ordinal);
        var puts = arm.Calls.Where(c => c.Method == "PUT" && c.Path.Contains("/virtualMachines/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, puts.Select(c => c.Path).Distinct().Count());
        Assert.All(puts, c => Assert.Equal("1", JsonDocument.Parse(c.Body!).RootElement.GetProperty("properties").GetProperty("billingProfile").GetProperty("maxPrice").GetRawText()));
        var record = JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0];
        Assert.Equal("failed", record.GetProperty("status").GetString());
        Assert.Empty(arm.LiveVms);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    [NetnsFact]
    public async Task Run_OnAzure_TwoNodes_InOneProximityPlacementGroup_TheRanksTalk_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(2);
        await using var arm = await FakeArm.StartAsync(new NetnsMachines(hosts));
        using var sandbox = AzureCliSandbox.Create(arm);
        sandbox.Write("talk.py", """
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
        sandbox.Write(".dstack.yml", "type: task\nname: pair\nnodes: 2\ncommands:\n  - python3 talk.py\n");

        var run = await sandbox.RunAsync("run", "-y", "-b", "azure", "--instance-type", "Standard_D2s_v5");
        await AzureWait.UntilAsync(() => arm.LiveVms.Count == 0 && arm.PlacementGroups.Count == 0, "no VM and no proximity placement group left", 60);

        Assert.True(run.Code == 0, run.ToString() + hosts.SshdErrors(0) + hosts.SshdErrors(1));
        var second = hosts.Hosts[1].Address;
        Assert.Contains($"[0] rank 0 got: hello from rank 1 (from {second})\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("[1] rank 1 got: ack from rank 0\n", run.Output, StringComparison.Ordinal);
        var vms = arm.Calls.Where(c => c.Method == "PUT" && c.Path.Contains("/virtualMachines/", StringComparison.Ordinal) && c.Status == 201).ToList();
        Assert.Equal(2, vms.Count);
        var group = Assert.Single(vms.Select(c => JsonDocument.Parse(c.Body!).RootElement.GetProperty("properties").GetProperty("proximityPlacementGroup").GetProperty("id").GetString()).Distinct());
        Assert.EndsWith("/providers/Microsoft.Compute/proximityPlacementGroups/dstack-pair", group, StringComparison.Ordinal);
        Assert.Single(arm.Calls, c => c.Method == "PUT" && c.Path == group && c.Status == 201);
        Assert.Contains(arm.Calls, c => c.Method == "DELETE" && c.Path == group && c.Status == 200);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    [NetnsFact]
    public async Task TwoNodes_ControllerKilledWhileTheyRun_TheNextCommandDeletesBothVms_AndTheirGroup()
    {
        using var hosts = new NetnsHosts(2);
        await using var arm = await FakeArm.StartAsync(new NetnsMachines(hosts));
        using var sandbox = AzureCliSandbox.Create(arm);
        sandbox.Write(".dstack.yml", "type: task\nname: orphans\nnodes: 2\ncommands:\n  - sleep 120\n");

        var run = await sandbox.RunAsync("run", "-y", "-d", "-b", "azure", "--instance-type", "Standard_D2s_v5");
        Assert.True(run.Code == 0, run.ToString());
        await AzureWait.UntilAsync(() => arm.LiveVms.Count(v => v.Machine is not null) == 2, "both VMs on their hosts", 90);
        var group = Assert.Single(arm.PlacementGroups);
        var controller = AwsCliSandbox.ControllerOf(sandbox.Home);
        Assert.NotNull(controller);
        Signals.SignalProcess(controller.Value, Signals.Kill);
        await AzureWait.UntilAsync(() => !Signals.IsAlive(controller.Value), "the controller to die");

        // The cleanup of a dead controller's run deletes its VMs only; the last VM's deletion takes the group along.
        var ps = await sandbox.RunAsync("ps", "-a", "--json");

        Assert.True(ps.Code == 0, ps.ToString());
        Assert.Contains("controller_lost", ps.Output, StringComparison.Ordinal);
        await AzureWait.UntilAsync(() => arm.LiveVms.Count == 0 && arm.PlacementGroups.Count == 0, $"no VM and no group left (left: {string.Join(", ", arm.LiveVms.Select(v => v.Name))} {string.Join(", ", arm.PlacementGroups)})", 60);
        Assert.Contains(arm.Calls, c => c.Method == "DELETE" && c.Path == group && c.Status == 200);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }
}
