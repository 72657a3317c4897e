using System.Diagnostics;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Forwarding;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// The generated entries log in to a real sshd on 127.0.0.1. ssh gets <c>-F</c> and a temporary HOME, so the real
/// ~/.ssh is never read or written.
/// </summary>
public sealed class SshClientConfigLoginTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly LoopbackSshd _sshd = new();

    private DstackHome Home => new(_sshd.DstackHome);

    private string UserHome => Path.Combine(_sshd.Folder, "user");

    private SshClientConfig Config => new(Home, UserHome);

    [Fact]
    public void GeneratedConfig_SshDashF_LogsInToTheRunsHost()
    {
        Config.AddRun("run-1", _sshd.Host(), controlSocket: null);

        var (code, output, error) = Ssh("-F", Config.Path, "run-1", "echo ok");

        Assert.True(code == 0, error);
        Assert.Equal("ok\n", output);
        Assert.Contains($"[127.0.0.1]:{_sshd.Port}", File.ReadAllText(Home.KnownHostsFile), StringComparison.Ordinal);
    }

    [Fact]
    public void UserConfigWithTheIncludeLine_LogsInToTheRunsHost()
    {
        Config.AddRun("run-2", _sshd.Host(), controlSocket: null);
        Assert.Equal(SshConfigInclusion.Added, Config.EnsureIncluded());

        var (code, output, error) = Ssh("-F", Config.UserConfigPath, "run-2", "echo ok");

        Assert.True(code == 0, error);
        Assert.Equal("ok\n", output);
    }

    [Fact]
    public void EntryWithTheTunnelsSocket_SharesTheTunnelsConnectionAndWorksWithoutIt()
    {
        var tunnel = SshTunnel.Open(Home, _sshd.Host(), "run-3", "127.0.0.1", [new ResolvedPort(SocketIo.FreePorts(1), 80, true)], Timeout);
        try
        {
            Config.AddRun("run-3", _sshd.Host(), tunnel.ControlSocket);

            var shared = Ssh("-vvv", "-F", Config.Path, "run-3", "echo ok");

            Assert.True(shared.Code == 0, shared.Error);
            Assert.Equal("ok\n", shared.Output);
            Assert.Contains("mux_client_hello_exchange", shared.Error, StringComparison.Ordinal);
        }
        finally
        {
            tunnel.Dispose();
        }

        // The tunnel is gone but the entry still names its socket: ssh connects on its own and leaves no master there.
        var direct = Ssh("-F", Config.Path, "run-3", "echo ok");

        Assert.True(direct.Code == 0, direct.Error);
        Assert.Equal("ok\n", direct.Output);
        Assert.False(File.Exists(tunnel.ControlSocket));
        Assert.Empty(LoopbackSshd.ProcessesWith(tunnel.ControlSocket));
    }

    public void Dispose() => _sshd.Dispose();

    private (int Code, string Output, string Error) Ssh(params string[] arguments)
    {
        var start = new ProcessStartInfo(SshCommand.Program, ["-o", "BatchMode=yes", .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = UserHome;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(Timeout);
            Assert.Fail($"ssh {string.Join(' ', arguments)} did not end within {Timeout.TotalSeconds:0} seconds");
        }

        Task.WaitAll([output, error], Timeout);
        return (process.ExitCode, output.Result, error.Result);
    }
}
