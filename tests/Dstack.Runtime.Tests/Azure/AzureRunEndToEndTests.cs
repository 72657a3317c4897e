using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Azure.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// <c>dstack run -b azure</c> through the real CLI (and its controller process) against <see cref="FakeArm"/> over HTTPS,
/// reached through <c>DSTACK_AZURE_ARM_ENDPOINT</c> and <c>AZURE_AUTHORITY_HOST</c> with its certificate trusted through
/// <c>SSL_CERT_FILE</c>: a VM is a network-namespace host with a real sshd that lets the project key in. The job runs
/// there, the exit code comes back, and no VM is left; a capacity error on the cheapest offer moves on to the next.
/// </summary>
public sealed class AzureRunEndToEndTests
{
    [NetnsFact]
    public async Task Run_OnAzure_MakesTheVm_RunsTheJobThere_ItsExitCodeComesBack_AndDeletesIt()
    {
        using var hosts = new NetnsHosts(1);
        await using var arm = await FakeArm.StartAsync(new NetnsMachines(hosts));
        using var sandbox = Sandbox(arm);
        sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo hello-from-azure $(hostname -I)\n  - exit 3\n");

        var run = await sandbox.RunAsync("run", "-y", "-b", "azure", "--instance-type", "Standard_D2s_v5");

        Assert.True(run.Code == 3, run.ToString() + hosts.SshdErrors(0));
        Assert.Contains("Standard_D2s_v5", run.Output, StringComparison.Ordinal);
        Assert.Contains($"hello-from-azure {hosts.Hosts[0].Address}", run.Output, StringComparison.Ordinal);
        Assert.Contains(arm.Calls, c => c.Method == "PUT" && c.Path.Contains("/virtualMachines/", StringComparison.Ordinal));
        // The plan was made with the subscription's resource SKUs read first.
        Assert.True(arm.Calls.ToList().FindIndex(c => c.Path.EndsWith("/providers/Microsoft.Compute/skus", StringComparison.Ordinal)) is var skus and >= 0
            && skus < arm.Calls.ToList().FindIndex(c => c.Method == "PUT" && c.Path.Contains("/virtualMachines/", StringComparison.Ordinal)));
        Assert.Empty(arm.LiveVms);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    [NetnsFact]
    public async Task Run_OnAzure_NoCapacityOnTheCheapest_TheNextIsUsed_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(1);
        await using var arm = await FakeArm.StartAsync(new NetnsMachines(hosts));
        arm.FailNextCreate("Standard_D2s_v5", "SkuNotAvailable");
        arm.FailNextCreate("Standard_D4s_v5", "AllocationFailed");
        using var sandbox = Sandbox(arm);
        sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo hello-from-azure\n");

        var run = await sandbox.RunAsync("run", "-y", "-b", "azure", "--instance-type", "Standard_D2s_v5", "--instance-type", "Standard_D4s_v5", "--instance-type", "Standard_D8s_v5");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("Standard_D2s_v5 in eastus: Azure has no capacity for it now (SkuNotAvailable)", run.Error, StringComparison.Ordinal);
        Assert.Contains("Standard_D4s_v5 in eastus: Azure has no capacity for it now (AllocationFailed)", run.Error, StringComparison.Ordinal);
        Assert.Contains("hello-from-azure", run.Output, StringComparison.Ordinal);
        Assert.Equal(["Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5"], arm.Calls.Where(c => c.Method == "PUT" && c.Path.Contains("/virtualMachines/", StringComparison.Ordinal)).Select(c => (string?)System.Text.Json.Nodes.JsonNode.Parse(c.Body!)!["properties"]!["hardwareProfile"]!["vmSize"]));
        Assert.Empty(arm.LiveVms);
    }

    private static AzureCliSandbox Sandbox(FakeArm arm) => AzureCliSandbox.Create(arm);
}
