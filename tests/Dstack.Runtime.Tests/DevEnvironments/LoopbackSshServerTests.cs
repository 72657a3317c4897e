using System.Diagnostics;
using System.Runtime.Versioning;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.DevEnvironments;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>
/// A dev environment's loopback sshd, for real: ssh through the generated entry lands in the folder with the job's
/// environment, only the authorized key gets in, open sessions are counted, and disposing ends sessions and files.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LoopbackSshServerTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly string _folder = Path.Combine("/tmp", "dds-" + Guid.NewGuid().ToString("N")[..8]);

    public LoopbackSshServerTests()
    {
        Directory.CreateDirectory(Work);
        Key = Path.Combine(_folder, "client_key");
        var keygen = Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", Key])!;
        keygen.WaitForExit(30_000);
    }

    private string Key { get; }

    private string Work => Path.Combine(_folder, "work dir");

    private DstackHome Home => new(Path.Combine(_folder, "home"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private LoopbackSshServer StartServer() => LoopbackSshServer.Start(
        Path.Combine(_folder, "server"),
        File.ReadAllText(Key + ".pub"),
        Work,
        new Dictionary<string, string> { ["DSTACK_RUN_NAME"] = "dev", ["GREETING"] = "it's \"quoted\" $x", ["HOME"] = "/nowhere", ["PATH"] = Environment.GetEnvironmentVariable("PATH")! });

    /// <summary>ssh through the run's entry of a generated config (opted out of ~/.ssh/config, so -F names it).</summary>
    private (SshClientConfig Config, string File) WriteEntry(LoopbackSshServer server)
    {
        var config = new SshClientConfig(Home, Path.Combine(_folder, "user"), includeInUserConfig: false);
        config.AddRun("dev", server.LoginAs("dev", Key), null);
        return (config, config.Path);
    }

    private static Process Ssh(string configFile, string command, string? identity = null)
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", configFile, "-o", "BatchMode=yes", "-o", "ConnectTimeout=10" })
        {
            start.ArgumentList.Add(argument);
        }

        if (identity is not null)
        {
            start.ArgumentList.Add("-i");
            start.ArgumentList.Add(identity);
        }

        start.ArgumentList.Add("dev");
        start.ArgumentList.Add(command);
        return Process.Start(start)!;
    }

    private static async Task<(int Code, string Output, string Error)> RunSshAsync(string configFile, string command)
    {
        using var ssh = Ssh(configFile, command);
        ssh.StandardInput.Close();
        var output = ssh.StandardOutput.ReadToEndAsync();
        var error = ssh.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        await ssh.WaitForExitAsync(limit.Token);
        return (ssh.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Ssh_ThroughTheEntry_LandsInTheFolderWithTheJobsEnvironment()
    {
        using var server = StartServer();
        var (_, file) = WriteEntry(server);

        var (code, output, error) = await RunSshAsync(file, "pwd; echo \"$DSTACK_RUN_NAME|$GREETING|$HOME\"");

        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Work, lines[0]);

        // The job's variables arrive as they are; the login's own (HOME) stay the login's.
        Assert.Equal($"dev|it's \"quoted\" $x|{Environment.GetEnvironmentVariable("HOME")}", lines[1]);
    }

    [Fact]
    public async Task Ssh_Sftp_WorksThroughTheForcedSessionScript()
    {
        using var server = StartServer();
        var (_, file) = WriteEntry(server);
        File.WriteAllText(Path.Combine(Work, "hello.txt"), "hi");
        var batch = Path.Combine(_folder, "batch");
        File.WriteAllText(batch, "ls\n");

        var sftp = Process.Start(new ProcessStartInfo("sftp", ["-F", file, "-o", "BatchMode=yes", "-b", batch, "dev"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await sftp.StandardOutput.ReadToEndAsync();
        await sftp.WaitForExitAsync(new CancellationTokenSource(Limit).Token);

        Assert.True(sftp.ExitCode == 0, await sftp.StandardError.ReadToEndAsync());
        Assert.Contains("hello.txt", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ssh_AnotherKey_IsRefused()
    {
        using var server = StartServer();
        var (_, file) = WriteEntry(server);
        var other = Path.Combine(_folder, "other_key");
        Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", other])!.WaitForExit(30_000);
        File.WriteAllText(file, File.ReadAllText(file).Replace(Key, other, StringComparison.Ordinal));

        var (code, output, _) = await RunSshAsync(file, "echo in");

        Assert.Equal(255, code);
        Assert.DoesNotContain("in", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_CountsAnOpenSession_AndDisposeEndsItAndRemovesTheFolder()
    {
        var server = StartServer();
        var (_, file) = WriteEntry(server);
        var seconds = Random.Shared.Next(300_000, 400_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var ssh = Ssh(file, $"echo open; exec sleep {seconds}");
        var first = await ssh.StandardOutput.ReadLineAsync().WaitAsync(Limit);
        Assert.Equal("open", first);
        Assert.Equal(1, server.Sessions);

        server.Dispose();

        await ssh.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        Assert.False(Directory.Exists(server.Folder));
        Assert.Equal(0, SessionCount.Of(server.Port));
        Assert.Empty(LoopbackSshd.ProcessesWith(seconds));
    }

    [Fact]
    public void Start_NoSshdProgram_SaysWhatToInstall_AndStartsNothing()
    {
        var folder = Path.Combine(_folder, "server");

        var e = Assert.Throws<LoopbackSshServerException>(() => LoopbackSshServer.Start(folder, File.ReadAllText(Key + ".pub"), Work, new Dictionary<string, string>(), program: Path.Combine(_folder, "no-sshd")));

        Assert.Contains("openssh-server", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_folder, "no-sshd"), e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task EnvironmentFile_ReadByAShell_GivesTheJobsVariables_LessTheLoginsAndNamesNoShellTakes()
    {
        var file = Path.Combine(_folder, "environment");
        File.WriteAllText(file, DevEnvironmentSshd.EnvironmentFile(new Dictionary<string, string>
        {
            ["A_B"] = "one\ntwo 'three' $x",
            ["HOME"] = "/x",
            ["SSH_AUTH_SOCK"] = "/s",
            ["1BAD"] = "x",
            ["BAD-NAME"] = "x",
        }));

        var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"set -a; . '{file}'; set +a; printf '%s|%s|%s' \"$A_B\" \"$HOME\" \"${{SSH_AUTH_SOCK:-none}}\""]) { RedirectStandardOutput = true })!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();

        Assert.Equal($"one\ntwo 'three' $x|{Environment.GetEnvironmentVariable("HOME")}|{Environment.GetEnvironmentVariable("SSH_AUTH_SOCK") ?? "none"}", output);
        Assert.DoesNotContain("BAD", File.ReadAllText(file), StringComparison.Ordinal);
    }
}
