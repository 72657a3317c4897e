using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Azure.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// The leak cases of the Azure backend through the real CLI, its controller process and <see cref="FakeArm"/> with a
/// network-namespace host: a Ctrl+C to the attached CLI, or a SIGKILL of the controller followed by a plain
/// <c>dstack ps</c>, at each stage: the VM request in flight (held by the fake), its <c>Azure-AsyncOperation</c> still
/// InProgress, the VM made but not answering SSH, the code uploading, the job running. However it ends, no VM (with its
/// OS disk, NIC and public IP, made inside the VM request with deleteOption Delete) is left in the fake,
/// <c>dstack instance list</c> shows none and no controller of ours runs.
/// </summary>
public sealed class AzureLeakTests
{
    private const string RunName = "leaky";

    private static readonly string[] Run = ["run", "-y", "-b", "azure", "--instance-type", "Standard_D2s_v5"];

    [NetnsTheory]
    [InlineData("ctrl-c", "vm-request")]
    [InlineData("ctrl-c", "operation-pending")]
    [InlineData("ctrl-c", "ssh-not-answering")]
    [InlineData("ctrl-c", "uploading")]
    [InlineData("ctrl-c", "running")]
    [InlineData("controller-killed", "vm-request")]
    [InlineData("controller-killed", "operation-pending")]
    [InlineData("controller-killed", "ssh-not-answering")]
    [InlineData("controller-killed", "uploading")]
    [InlineData("controller-killed", "running")]
    public async Task Run_OnAzure_StoppedAtAStage_LeavesNoVm(string way, string stage)
    {
        using var hosts = new NetnsHosts(1);
        await using var arm = await FakeArm.StartAsync(new NetnsMachines(hosts));
        using var sandbox = AzureCliSandbox.Create(arm);
        sandbox.Write(".dstack.yml", $"type: task\nname: {RunName}\ncommands:\n  - echo started\n  - sleep 120\n");
        var hold = stage == "vm-request" ? arm.HoldNextCreate() : null;
        arm.InProgressPolls = stage == "operation-pending" ? 100_000 : 0;
        arm.UnreachableMachines = stage == "ssh-not-answering";
        if (stage == "uploading")
        {
            // A working copy that takes seconds to reach the host: 3 MB of noise through a 2 Mbit/s link.
            await File.WriteAllBytesAsync(Path.Combine(sandbox.Project, "data.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 << 20));
            AwsLeakTests.SlowLinkTo(hosts, 0);
        }

        using var cli = sandbox.Start(way == "ctrl-c" ? Run : [.. Run, "-d"]);
        if (way == "controller-killed")
        {
            Assert.Equal(0, await cli.WaitAsync());
        }

        if (hold is not null)
        {
            await hold.Arrived.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Empty(arm.LiveVms);
        }
        else if (stage == "operation-pending")
        {
            await AzureWait.UntilAsync(() => arm.LiveVms.Count == 1 && arm.Calls.Count(c => c.Path.Contains("/operations/", StringComparison.Ordinal)) >= 2, "the VM's operation to be polled", 60);
        }
        else if (stage == "uploading")
        {
            await AwsWait.UntilAsync(() => UploadingAsync(sandbox), $"the upload to start\n{cli}");
        }
        else
        {
            await AzureWait.UntilAsync(() => arm.LiveVms.Any(v => v.Machine is not null), "a VM on its host", 60);
            if (way == "ctrl-c" && stage == "running")
            {
                await cli.WaitForTextAsync("started");
            }
        }

        if (way == "ctrl-c")
        {
            Signals.SignalProcess(cli.Id, Signals.Interrupt);
            await cli.WaitForTextAsync($"Stopping {RunName}");
            if (hold is not null)
            {
                await Task.WhenAny(hold.Abandoned, Task.Delay(TimeSpan.FromSeconds(3)));
                hold.Release();
            }

            Assert.NotEqual(0, await cli.WaitAsync());
        }
        else
        {
            var controller = AwsCliSandbox.ControllerOf(sandbox.Home);
            Assert.NotNull(controller);
            Signals.SignalProcess(controller.Value, Signals.Kill);
            await AzureWait.UntilAsync(() => !Signals.IsAlive(controller.Value), "the controller to die");
            if (hold is not null)
            {
                // ARM carries out a request whose caller died: the VM exists, known only by the name its token gives.
                await hold.Abandoned.WaitAsync(TimeSpan.FromSeconds(30));
                hold.Release();
                await AzureWait.UntilAsync(() => arm.LiveVms.Count == 1, "the held request to make its VM");
            }

            // Any later command reconciles the dead controller's run: its VM is deleted.
            var runs = await sandbox.RunAsync("ps", "-a", "--json");
            Assert.True(runs.Code == 0, runs.ToString());
            Assert.Contains("controller_lost", runs.Output, StringComparison.Ordinal);
        }

        await AzureWait.UntilAsync(() => arm.LiveVms.Count == 0, $"no VM left in the fake (left: {string.Join(", ", arm.LiveVms.Select(v => v.Name))})\n{cli}", 60);
        Assert.Empty(await sandbox.LiveInstancesAsync());
        // The controller deletes the instance first, then records the run's end and exits.
        await AzureWait.UntilAsync(() => AwsCliSandbox.ControllerOf(sandbox.Home) is null, "the controller to exit", 30);
    }

    /// <summary>Whether the newest progress event of the only run (<c>dstack ps --json</c>) is the upload.</summary>
    private static async Task<bool> UploadingAsync(AzureCliSandbox sandbox)
    {
        var ps = await sandbox.RunAsync("ps", "--json");
        return ps.Code == 0 && System.Text.Json.JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs").EnumerateArray().ToList() is [var run]
            && run.GetProperty("events").EnumerateArray().LastOrDefault() is { ValueKind: System.Text.Json.JsonValueKind.Object } last
            && last.GetProperty("kind").GetString() == "uploading";
    }
}
