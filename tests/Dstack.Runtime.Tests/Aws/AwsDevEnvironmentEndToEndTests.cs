using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>type: dev-environment</c> on the aws backend through the real CLI, against the fake EC2 whose instance is a
/// network-namespace host with a real sshd (the collection's one fake, <see cref="AwsEndToEndCollection"/>): the
/// environment's own sshd starts on the instance, the printed <c>ssh RUN</c> lands in the job's folder there with the
/// job's environment, <c>inactivity_duration</c> ends it once the session has closed, and the instance is
/// terminated with nothing of it left here.
/// </summary>
[Collection(AwsEndToEndCollection.Name)]
public sealed class AwsDevEnvironmentEndToEndTests(AwsEndToEndFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [NetnsFact]
    public async Task DevEnvironment_OnAws_SshRunReachesTheJobsMachine_InactivityEndsIt_AndTheInstanceIsTerminated()
    {
        var fake = fixture.Fake;
        using var sandbox = AwsCliSandbox.Create(fake);
        sandbox.Write(".dstack.yml", "type: dev-environment\nname: ec2-dev\nide: vscode\ninactivity_duration: 5s\nenv:\n  - GREETING=hello from ec2\ninit:\n  - echo init-ran > init.txt\n");

        using var run = sandbox.Start("run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
        await run.WaitForTextAsync("dstack: connect with: ", seconds: 120);
        var instance = Assert.Single(fake.Instances, i => i.Tags["dstack:run"] == "ec2-dev");
        var record = Assert.Single(await sandbox.RunsAsync());
        var link = record.GetProperty("ide_url").GetString()!;
        const string prefix = "vscode://vscode-remote/ssh-remote+ec2-dev/";
        Assert.StartsWith(prefix, link, StringComparison.Ordinal);
        var folder = Uri.UnescapeDataString(link[(prefix.Length - 1)..]);
        Assert.Equal("ec2-dev", record.GetProperty("ssh_host").GetString());

        // The printed command, as a user would type it, with a command after the host.
        var printed = ConnectCommand(run.Output + run.Error);
        Assert.Equal(["ssh", "-F", Path.Combine(sandbox.Home, "ssh", "config"), "ec2-dev"], printed);
        // The session stays open longer than inactivity_duration (and than the 2 s between counts): it keeps the environment up.
        var (code, output, error) = await SshAsync(printed, "pwd; cat init.txt; echo \"$DSTACK_RUN_NAME|$GREETING\"; ip -4 -o addr show; exec sleep 8");
        var closed = Stopwatch.StartNew();
        Assert.True(code == 0, $"exit {code}: {error}\n{run}");
        var lines = output.Split('\n');
        Assert.Equal([folder, "init-ran", "ec2-dev|hello from ec2"], lines[..3]);

        // The attached CLI's tunnel writes no `Host ec2-dev` of its own (it could replace the controller's, and ssh RUN would miss the environment).
        Assert.DoesNotContain("To log in to", run.Error, StringComparison.Ordinal);
        Assert.Contains($" {instance.Machine.PrivateIpAddress}/", output, StringComparison.Ordinal);
        Assert.Equal("running", Assert.Single(await sandbox.RunsAsync()).GetProperty("status").GetString());

        // No session from here on: it ends by itself 5 s after the next count, and the attached run with it.
        var exit = await run.WaitAsync();
        closed.Stop();

        // An environment stopped by inactivity_duration did not finish on its own: the attached run says so (as for max_duration).
        Assert.True(exit != 0, $"dstack run exited {exit}\n{run}");
        Assert.Contains("dstack: error DSTK3018: the run ec2-dev terminated: stopped: no SSH session for inactivity_duration; dstack logs ec2-dev shows its output", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("forwarding the ports again", run.Error, StringComparison.Ordinal);
        Assert.True(closed.Elapsed >= TimeSpan.FromSeconds(4.5), $"it ended {closed.Elapsed.TotalSeconds:0.0} s after the session closed, before inactivity_duration (5s)");
        Assert.Contains("no SSH session for inactivity_duration (5s): stopping the dev environment", run.Output + run.Error, StringComparison.Ordinal);
        var ended = Assert.Single(await sandbox.RunsAsync());
        Assert.Equal(("terminated", "inactivity_duration_exceeded"), (ended.GetProperty("status").GetString(), ended.GetProperty("reason").GetString()));
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("ssh_host").ValueKind);
        var ps = await sandbox.RunAsync("ps", "-a");
        Assert.True(ps.Code == 0, ps.ToString());
        Assert.Contains("stopped: no SSH session for inactivity_duration", ps.Output, StringComparison.Ordinal);

        await AwsWait.UntilAsync(() => !fake.LiveInstances.Any(i => i.Id == instance.Id), $"{instance.Id} to be terminated");
        Assert.Empty(await sandbox.LiveInstancesAsync());
        var instances = Path.Combine(sandbox.Home, "ssh", "instances");
        Assert.True(!Directory.Exists(instances) || Directory.GetFileSystemEntries(instances).Length == 0, $"instance folders left in {instances}: {(Directory.Exists(instances) ? string.Join(", ", Directory.GetFileSystemEntries(instances)) : string.Empty)}");
        var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(folder.TrimEnd('/')))!;
        Assert.Contains("/.dstack-runs/", runFolder + "/", StringComparison.Ordinal);
        Assert.False(Directory.Exists(runFolder), $"the run's folder {runFolder} is still on the instance");
        Assert.Empty(LoopbackSshd.ProcessesMentioning(runFolder));
        Assert.DoesNotContain("Host ec2-dev", File.ReadAllText(Path.Combine(sandbox.Home, "ssh", "config")), StringComparison.Ordinal);
    }

    /// <summary>The words of the <c>dstack: connect with: ...</c> line.</summary>
    private static string[] ConnectCommand(string output)
    {
        const string marker = "dstack: connect with: ";
        var line = output.Split('\n').First(l => l.Contains(marker, StringComparison.Ordinal));
        return line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs the printed ssh command with <paramref name="command"/> after it (batch mode: it never asks).</summary>
    private static async Task<(int Code, string Output, string Error)> SshAsync(string[] printed, string command)
    {
        var start = new ProcessStartInfo(printed[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in (string[])[.. printed[1..^1], "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", printed[^1], command])
        {
            start.ArgumentList.Add(argument);
        }

        using var ssh = Process.Start(start)!;
        ssh.StandardInput.Close();
        var output = ssh.StandardOutput.ReadToEndAsync();
        var error = ssh.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await ssh.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            ssh.Kill(entireProcessTree: true);
            throw new TimeoutException($"ssh {string.Join(' ', printed[1..])} did not end within {Limit.TotalSeconds} s");
        }

        return (ssh.ExitCode, await output, await error);
    }
}
