using System.Diagnostics;
using System.Runtime.Versioning;
using Dstack.Runtime.DevEnvironments;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>
/// A dev environment's sshd started on an SSH host (a real sshd on loopback plays the machine): ssh through the
/// generated entry goes through the machine's login to the server on its loopback, lands in the job's folder with the
/// job's environment, its sessions are counted on the machine, and disposing ends the server, every session and its
/// files there and here.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RemoteSshServerTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly LoopbackSshd _sshd = new();
    private readonly SshConnection _connection;
    private readonly string _token = "t" + Guid.NewGuid().ToString("N");

    public RemoteSshServerTests()
    {
        _connection = new SshConnection(Home, _sshd.Host("lo"));
        Assert.Null(_connection.EnsureMaster());
        Directory.CreateDirectory(Work);
    }

    private DstackHome Home => new(_sshd.DstackHome);

    /// <summary>The job's folder "on the machine" (this machine, reached over its sshd).</summary>
    private string Work => Path.Combine(_sshd.Folder, "job dir");

    private string RemoteFolder => Path.Combine(_sshd.Folder, "remote", "ssh-server");

    private string LocalFolder => Path.Combine(_sshd.Folder, "local", "ssh-server");

    public void Dispose()
    {
        // A failed test must not leave a server behind: every one carries this test's token.
        MarkedProcesses.Signal(JobProcess.TokenVariable, _token, Signals.Kill);
        _connection.Dispose();
        _sshd.Dispose();
    }

    private RemoteSshServer StartServer(string? container = null) => RemoteSshServer.Start(
        _connection,
        RemoteFolder,
        new DevEnvironmentSession("dev", LocalFolder, Work, new Dictionary<string, string>
        {
            ["DSTACK_RUN_NAME"] = "dev",
            ["GREETING"] = "it's \"quoted\" $x",
            ["HOME"] = "/nowhere",
            ["PATH"] = Environment.GetEnvironmentVariable("PATH")!,
            [JobProcess.TokenVariable] = _token,
        }, container, "unused", "unused"),
        File.ReadAllText(_sshd.ClientKey + ".pub"));

    private string WriteEntry(RemoteSshServer server)
    {
        var config = new SshClientConfig(Home, Path.Combine(_sshd.Folder, "user"), includeInUserConfig: false);
        config.AddRun("dev", server.Login, null);
        return config.Path;
    }

    private static Process Ssh(string configFile, string command)
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", configFile, "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "dev", command })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    [Fact]
    public async Task Ssh_ThroughTheMachine_LandsInTheJobsFolderWithItsEnvironment_WithoutBeingAskedToTrustAKey()
    {
        using var server = StartServer();
        var file = WriteEntry(server);
        Assert.NotEqual(_sshd.Port, server.Port);

        using var ssh = Ssh(file, "pwd; echo \"$DSTACK_RUN_NAME|$GREETING\"");
        ssh.StandardInput.Close();
        var output = await ssh.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
        var error = await ssh.StandardError.ReadToEndAsync().WaitAsync(Limit);
        await ssh.WaitForExitAsync(new CancellationTokenSource(Limit).Token);

        Assert.True(ssh.ExitCode == 0, $"exit {ssh.ExitCode}: {error}\n{File.ReadAllText(file)}");
        Assert.Equal($"{Work}\ndev|it's \"quoted\" $x\n", output);
        Assert.DoesNotContain("Warning", error, StringComparison.Ordinal);
        Assert.Contains("ProxyCommand ssh ", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_AreCountedOnTheMachine_AndDisposeEndsServerSessionsAndFiles()
    {
        var server = StartServer();
        var file = WriteEntry(server);
        Assert.Equal(0, server.CountSessions());
        var seconds = Random.Shared.Next(300_000, 400_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var ssh = Ssh(file, $"echo open; exec sleep {seconds}");
        Assert.Equal("open", await ssh.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        Assert.Equal(1, server.CountSessions());
        Assert.True(Directory.Exists(RemoteFolder));
        Assert.NotEmpty(LoopbackSshd.ProcessesMentioning(Path.Combine(RemoteFolder, "sshd_config")));

        server.Dispose();

        await ssh.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        Assert.False(Directory.Exists(RemoteFolder), "the server's folder on the machine is left");
        Assert.False(Directory.Exists(LocalFolder), "the known_hosts folder here is left");
        Assert.Empty(LoopbackSshd.ProcessesWith(seconds));
        Assert.Empty(LoopbackSshd.ProcessesMentioning(Path.Combine(RemoteFolder, "sshd_config")));
        Assert.Equal(0, SessionCount.Of(server.Port));
    }

    [Fact]
    public void Start_NoSshdOnTheMachine_SaysWhatToInstallThere_AndLeavesNothing()
    {
        var e = Assert.Throws<DevEnvironmentServerException>(() => RemoteSshServer.Start(
            _connection, RemoteFolder, new DevEnvironmentSession("dev", LocalFolder, Work, new Dictionary<string, string>(), null, "unused", "unused"),
            File.ReadAllText(_sshd.ClientKey + ".pub"), program: Path.Combine(_sshd.Folder, "no-sshd")));

        Assert.Contains("openssh-server", e.Message, StringComparison.Ordinal);
        Assert.Contains("lo", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(LocalFolder));
    }
}
