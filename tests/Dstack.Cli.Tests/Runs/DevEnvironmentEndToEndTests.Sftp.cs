using System.Diagnostics;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// sftp and scp into a dev environment with <c>image:</c> (the busybox image, which has no sftp-server): files land in
/// the job's container, relative paths in its working folder, here and on an SSH host; sessions run side by side.
/// </summary>
public sealed partial class DevEnvironmentEndToEndTests
{
    [DockerFact]
    public async Task DevEnvironment_LocalImage_ScpAndSftpLandInTheJobsContainer()
    {
        await SubmitAsync("boxfiles", $"ide: vscode\nimage: {DockerFactAttribute.Image}\n");

        await AssertFilesLandInTheContainerAsync("boxfiles");

        Assert.True((await _sandbox.RunAsync("stop", "boxfiles", "-y")).Code == 0);
    }

    [DockerFact]
    public async Task DevEnvironment_OnAnSshHostWithImage_ScpAndSftpLandInTheJobsContainerThere()
    {
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        await SubmitOnAnSshHostAsync(sshd, "hostfiles", $"image: {DockerFactAttribute.Image}\n");

        await AssertFilesLandInTheContainerAsync("hostfiles");

        Assert.True((await _sandbox.RunAsync("stop", "hostfiles", "-y")).Code == 0);
    }

    /// <summary>
    /// scp to an absolute and a relative path, read back by <c>ssh RUN</c> and <c>docker exec</c> in the job's
    /// container (and not on this machine); sftp's <c>pwd</c> is the container's folder, with a second session open.
    /// </summary>
    private async Task AssertFilesLandInTheContainerAsync(string run)
    {
        var container = $"dstack-{run}-0";
        var unique = Guid.NewGuid().ToString("N")[..8];
        var absolute = $"/tmp/in-container-{unique}.txt";
        var file = Path.Combine(_sandbox.Project, "..", $"local-{unique}.txt");
        File.WriteAllText(file, "copied by scp\n");

        var toAbsolute = await ClientAsync("scp", "-F", SshConfig, "-o", "BatchMode=yes", file, $"{run}:{absolute}");
        var toRelative = await ClientAsync("scp", "-F", SshConfig, "-o", "BatchMode=yes", file, $"{run}:relative-{unique}.txt");

        Assert.True(toAbsolute.Code == 0, toAbsolute.Error);
        Assert.True(toRelative.Code == 0, toRelative.Error);
        var (code, output, error) = await SshAsync(run, $"cat {absolute} /workflow/relative-{unique}.txt");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("copied by scp\ncopied by scp\n", output);
        var inContainer = ProgramOutput.Run("docker", ["exec", container, "cat", absolute], null, Limit);
        Assert.True(inContainer.ExitCode == 0, inContainer.Error);
        Assert.Equal("copied by scp\n", inContainer.Output);
        Assert.False(File.Exists(absolute), $"{absolute} is on this machine");

        // One sftp session stays open while a second one runs.
        var start = new ProcessStartInfo("sftp") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", SshConfig, "-o", "BatchMode=yes", run })
        {
            start.ArgumentList.Add(argument);
        }

        using var first = Process.Start(start)!;
        try
        {
            // sftp buffers what it prints into a pipe: the session is open once its server runs in the container.
            var clock = Stopwatch.StartNew();
            while (SftpServersIn(container) < 1)
            {
                if (first.HasExited)
                {
                    Assert.Fail($"the first sftp session ended: {first.StandardError.ReadToEnd()}");
                }

                Assert.True(clock.Elapsed < Limit, "the first sftp session's server did not start in the container");
                await Task.Delay(100);
            }

            var batch = Path.Combine(_sandbox.Project, "..", $"batch-{unique}");
            File.WriteAllText(batch, "pwd\n");
            var second = await ClientAsync("sftp", "-F", SshConfig, "-o", "BatchMode=yes", "-b", batch, run);
            Assert.True(second.Code == 0, second.Error);
            Assert.Contains("Remote working directory: /workflow\n", second.Output, StringComparison.Ordinal);

            await first.StandardInput.WriteAsync("pwd\nbye\n");
            first.StandardInput.Close();
            var firstOutput = first.StandardOutput.ReadToEndAsync();
            var firstError = first.StandardError.ReadToEndAsync();
            await first.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
            Assert.True(first.ExitCode == 0, await firstError);
            Assert.Contains("Remote working directory: /workflow\n", await firstOutput, StringComparison.Ordinal);
        }
        finally
        {
            if (!first.HasExited)
            {
                first.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The sftp servers running in <paramref name="container"/> (<c>docker top</c> lists its processes).</summary>
    private static int SftpServersIn(string container)
    {
        var top = ProgramOutput.Run("docker", ["top", container], null, Limit);
        return top.Output.Split('\n').Count(l => l.Contains("sftp-server", StringComparison.Ordinal));
    }

    private static async Task<(int Code, string Output, string Error)> ClientAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var client = Process.Start(start)!;
        client.StandardInput.Close();
        var output = client.StandardOutput.ReadToEndAsync();
        var error = client.StandardError.ReadToEndAsync();
        await client.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        return (client.ExitCode, await output, await error);
    }
}
