using System.Diagnostics;
using System.Runtime.Versioning;
using Dstack.Runtime.DevEnvironments;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>
/// The pieces every dev environment's sshd is made of: the config (with or without a port of its own), and the
/// session script, run by a real shell: on the machine it starts in the folder; with a container it hands the session
/// to <c>docker exec</c> (a stand-in <c>docker</c> records what it was asked) in the container's folder, with <c>-t</c>
/// only when the client asked for a terminal.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DevEnvironmentSshdTests : IDisposable
{
    private readonly string _folder = Path.Combine("/tmp", "dsd-" + Guid.NewGuid().ToString("N")[..8]);

    public DevEnvironmentSshdTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "bin"));
        Directory.CreateDirectory(Path.Combine(_folder, "work dir"));
        File.WriteAllText(Path.Combine(_folder, "environment"), DevEnvironmentSshd.EnvironmentFile(new Dictionary<string, string>
        {
            ["GREETING"] = "hi there",
            ["PATH"] = Path.Combine(_folder, "bin") + ":/usr/bin:/bin",
        }));

        // The stand-in docker prints each argument on a line of its own.
        var docker = Path.Combine(_folder, "bin", "docker");
        File.WriteAllText(docker, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\necho \"GREETING=$GREETING\"\n");
        File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> RunScriptAsync(string script, string? command)
    {
        var file = Path.Combine(_folder, "session.sh");
        File.WriteAllText(file, script);
        var start = new ProcessStartInfo("/bin/sh", [file]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.Environment["SHELL"] = "/bin/sh";
        if (command is not null)
        {
            start.Environment["SSH_ORIGINAL_COMMAND"] = command;
        }

        using var shell = Process.Start(start)!;
        shell.StandardInput.Close();
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.True(shell.ExitCode == 0, await shell.StandardError.ReadToEndAsync());
        return output;
    }

    [Fact]
    public async Task SessionScript_OnTheMachine_RunsTheCommandInTheFolderWithTheJobsEnvironment()
    {
        var script = DevEnvironmentSshd.SessionScript(Path.Combine(_folder, "environment"), Path.Combine(_folder, "work dir"));

        var output = await RunScriptAsync(script, "pwd; echo \"$GREETING\"");

        Assert.Equal($"{Path.Combine(_folder, "work dir")}\nhi there\n", output);
    }

    [Fact]
    public async Task SessionScript_WithAContainer_ExecsTheCommandThereInItsFolder_WithoutATerminal()
    {
        var script = DevEnvironmentSshd.SessionScript(Path.Combine(_folder, "environment"), "/workflow/sub dir", "dstack-dev-0");

        var output = await RunScriptAsync(script, "echo $X; pwd");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["[exec]", "[-i]", "[-w]", "[/workflow/sub dir]", "[dstack-dev-0]", "[/bin/sh]", "[-c]"], lines[..7]);
        Assert.Equal("[echo $X; pwd]", lines[^2]);
        Assert.Equal("GREETING=hi there", lines[^1]);
        Assert.DoesNotContain("[-t]", lines);
    }

    [Fact]
    public async Task SessionScript_WithAContainer_NoCommand_AsksForALoginShellThere()
    {
        var script = DevEnvironmentSshd.SessionScript(Path.Combine(_folder, "environment"), "/workflow", "dstack-dev-0");

        var output = await RunScriptAsync(script, null);

        Assert.Contains("exec bash -l", output, StringComparison.Ordinal);
        Assert.Contains("[dstack-dev-0]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionScript_WithAContainer_Sftp_RunsTheImagesOwnServerThere_InItsFolder()
    {
        // The stand-in docker answers the look into the container (exec without -i) with Alpine's path.
        File.WriteAllText(Path.Combine(_folder, "bin", "docker"), "#!/bin/sh\nif [ \"$2\" != -i ]; then echo /usr/lib/ssh/sftp-server; exit 0; fi\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");
        var script = DevEnvironmentSshd.SessionScript(Path.Combine(_folder, "environment"), "/workflow/sub dir", "dstack-dev-0");

        var output = await RunScriptAsync(script, ContainerSftp.SubsystemCommand);

        Assert.Equal("[exec]\n[-i]\n[-w]\n[/workflow/sub dir]\n[dstack-dev-0]\n[/usr/lib/ssh/sftp-server]\n", output);
    }

    [Fact]
    public async Task SessionScript_WithAContainer_Sftp_ContainerGone_EndsSayingSoOnStderr()
    {
        File.WriteAllText(Path.Combine(_folder, "bin", "docker"), "#!/bin/sh\necho 'Error response from daemon: No such container: dstack-dev-0' >&2\nexit 1\n");
        var script = DevEnvironmentSshd.SessionScript(Path.Combine(_folder, "environment"), "/workflow", "dstack-dev-0");
        var file = Path.Combine(_folder, "session.sh");
        File.WriteAllText(file, script);
        var start = new ProcessStartInfo("/bin/sh", [file]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.Environment["SSH_ORIGINAL_COMMAND"] = ContainerSftp.SubsystemCommand;

        using var shell = Process.Start(start)!;
        shell.StandardInput.Close();
        var output = shell.StandardOutput.ReadToEndAsync();
        var error = await shell.StandardError.ReadToEndAsync();
        await shell.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        Assert.Equal(1, shell.ExitCode);
        Assert.Equal(string.Empty, await output);
        Assert.Equal("dstack: no sftp server in the dev environment's container dstack-dev-0: it could not be looked into (Error response from daemon: No such container: dstack-dev-0); the container must be running and have /bin/sh\n", error);
    }

    [Fact]
    public void Config_WithoutAPort_LeavesItToTheCommandLine_AndForcesTheSessionScript()
    {
        var config = DevEnvironmentSshd.Config("/r/ssh-server", null, "ubuntu");

        Assert.DoesNotContain("\nPort ", config, StringComparison.Ordinal);
        Assert.Contains("\nListenAddress 127.0.0.1\n", config, StringComparison.Ordinal);
        Assert.Contains("\nAllowUsers ubuntu\n", config, StringComparison.Ordinal);
        Assert.Contains("\nAuthorizedKeysFile \"/r/ssh-server/authorized_keys\"\n", config, StringComparison.Ordinal);
        Assert.Contains("\nForceCommand /bin/sh /r/ssh-server/session.sh\n", config, StringComparison.Ordinal);
        Assert.Contains("\nPort 2200\n", DevEnvironmentSshd.Config("/r", 2200, "me"), StringComparison.Ordinal);
    }
}
