using System.Net;
using System.Net.Sockets;
using System.Text;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Forwarding;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// Tunnels through a real sshd on 127.0.0.1. The "remote" host is this machine, so the job stands in as a server on
/// 127.0.0.1 and the tunnel's local port is another port here.
/// </summary>
public sealed class SshTunnelTests : IDisposable
{
    private const string Loopback = "127.0.0.1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly LoopbackSshd _sshd = new();
    private readonly List<SshTunnel> _tunnels = [];

    private DstackHome Home => new(_sshd.DstackHome);

    [Fact]
    public async Task Open_ReleasedReservation_ForwardsTheLocalPortToTheHostsPort()
    {
        await using var job = LoopbackServer.Start(LoopbackServer.EchoAsync);
        var ports = PortReservation.ReserveForRemote([new PortMapping(null, job.EndPoint.Port)]).Release();

        var tunnel = Open("run-a", ports);

        var port = Assert.Single(tunnel.Ports);
        Assert.NotEqual(job.EndPoint.Port, port.LocalPort);
        Assert.True(tunnel.IsAlive);
        Assert.Equal("hello", await EchoAsync(port.LocalPort, "hello"));
        Assert.True(File.Exists(tunnel.ControlSocket));
    }

    [Fact]
    public async Task Open_TwoPorts_ForwardsEachToItsOwnServer()
    {
        await using var echo = LoopbackServer.Start(LoopbackServer.EchoAsync);
        await using var http = LoopbackServer.Start(HttpOkAsync);
        var local = SocketIo.FreePorts(2);

        Open("run-b", [new ResolvedPort(local, echo.EndPoint.Port, true), new ResolvedPort(local + 1, http.EndPoint.Port, true)]);

        Assert.Equal("ping", await EchoAsync(local, "ping"));
        using var client = await SocketIo.ConnectAsync(new IPEndPoint(IPAddress.Loopback, local + 1));
        await SocketIo.SendTextAsync(client, "GET / HTTP/1.0\r\n\r\n");
        Assert.StartsWith("HTTP/1.0 200 OK", await SocketIo.ReceiveTextToEndAsync(client), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LocalPortBusy_ThrowsNamingHostPortAndSshAndLeavesNoProcess()
    {
        var local = SocketIo.FreePorts(2);
        using var busy = SocketIo.Occupy(local + 1);
        var socket = SshTunnel.SocketPath(Home, "run-c");

        var error = Assert.Throws<SshTunnelException>(() =>
            Open("run-c", [new ResolvedPort(local, 8000, true), new ResolvedPort(local + 1, 8001, true)]));

        Assert.Equal(DiagnosticCodes.PortBusy, error.Code);
        Assert.Equal(local + 1, error.LocalPort);
        Assert.StartsWith($"the SSH tunnel to lo ({LoopbackSshd.User}@127.0.0.1:{_sshd.Port}) cannot forward local port {local + 1} to port 8001 there", error.Message, StringComparison.Ordinal);
        Assert.Contains($"local port {local + 1} is already in use on 127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"(ssh: bind [127.0.0.1]:{local + 1}: Address already in use)", error.Message, StringComparison.Ordinal);
        Assert.Empty(LoopbackSshd.ProcessesWith(socket));
        Assert.False(File.Exists(socket));
        Assert.True(PortReservation.IsFree(Loopback, local), "the other port is not left listening");
    }

    [Fact]
    public async Task Dispose_ClosesThePortAndLeavesNoProcessOrSocket()
    {
        await using var job = LoopbackServer.Start(LoopbackServer.EchoAsync);
        var local = SocketIo.FreePorts(1);
        var tunnel = Open("run-d", [new ResolvedPort(local, job.EndPoint.Port, true)]);
        Assert.Equal("x", await EchoAsync(local, "x"));

        tunnel.Dispose();

        Assert.False(tunnel.IsAlive);
        await Assert.ThrowsAnyAsync<SocketException>(() => SocketIo.ConnectAsync(new IPEndPoint(IPAddress.Loopback, local)));
        Assert.Empty(LoopbackSshd.ProcessesWith(tunnel.ControlSocket));
        Assert.False(File.Exists(tunnel.ControlSocket));
        Assert.True(tunnel.ExitedUnexpectedly.IsCanceled, "disposing is not a drop");
        tunnel.Dispose();
    }

    [Fact]
    public async Task SshdStopped_TunnelReportsItsExitAndReopensWhenTheHostIsBack()
    {
        await using var job = LoopbackServer.Start(LoopbackServer.EchoAsync);
        var local = SocketIo.FreePorts(1);
        var tunnel = Open("run-e", [new ResolvedPort(local, job.EndPoint.Port, true)]);

        _sshd.Stop();
        var reason = await tunnel.ExitedUnexpectedly.WaitAsync(Timeout);

        Assert.False(tunnel.IsAlive);
        Assert.NotEmpty(reason);
        var down = Assert.Throws<SshTunnelException>(() => tunnel.Reopen(Timeout));
        Assert.Equal(DiagnosticCodes.HostUnreachable, down.Code);
        Assert.Contains("Connection refused", down.Message, StringComparison.Ordinal);
        Assert.Empty(LoopbackSshd.ProcessesWith(tunnel.ControlSocket));

        _sshd.Restart();
        var reopened = Track(tunnel.Reopen(Timeout));

        Assert.True(reopened.IsAlive);
        Assert.Equal("back", await EchoAsync(local, "back"));
    }

    [Fact]
    public void Open_NothingListensOnTheHost_ThrowsUnreachableWithSshsReason()
    {
        var host = _sshd.Host() with { Port = LoopbackSshd.FreePort() };

        var error = Assert.Throws<SshTunnelException>(() =>
            SshTunnel.Open(Home, host, "run-f", Loopback, [new ResolvedPort(SocketIo.FreePorts(1), 80, true)], Timeout));

        Assert.Equal(DiagnosticCodes.HostUnreachable, error.Code);
        Assert.StartsWith($"the SSH tunnel to lo ({LoopbackSshd.User}@127.0.0.1:{host.Port}) cannot open: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        Assert.Empty(LoopbackSshd.ProcessesWith(SshTunnel.SocketPath(Home, "run-f")));
    }

    [Fact]
    public void Open_RunAlreadyHasATunnel_ThrowsNamingTheSocket()
    {
        var first = Open("run-g", [new ResolvedPort(SocketIo.FreePorts(1), 80, true)]);

        var error = Assert.Throws<SshTunnelException>(() => Open("run-g", [new ResolvedPort(SocketIo.FreePorts(1), 81, true)]));

        Assert.Contains($"run run-g already has an SSH tunnel", error.Message, StringComparison.Ordinal);
        Assert.Contains($"ssh -S {first.ControlSocket} -O exit", error.Message, StringComparison.Ordinal);
        Assert.True(first.IsAlive, "the first tunnel is left alone");
    }

    [Fact]
    public async Task Open_StaleSocketOfAKilledTunnel_IsReplaced()
    {
        await using var job = LoopbackServer.Start(LoopbackServer.EchoAsync);
        var local = SocketIo.FreePorts(1);
        var socket = SshTunnel.SocketPath(Home, "run-h");
        SshCommand.EnsureFolder(Home);
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(socket));
        }

        Open("run-h", [new ResolvedPort(local, job.EndPoint.Port, true)]);

        Assert.Equal("ok", await EchoAsync(local, "ok"));
    }

    public void Dispose()
    {
        try
        {
            foreach (var tunnel in _tunnels)
            {
                tunnel.Dispose();
            }

            Assert.All(_tunnels, t => Assert.Empty(LoopbackSshd.ProcessesWith(t.ControlSocket)));
        }
        finally
        {
            _sshd.Dispose();
        }
    }

    private SshTunnel Open(string run, IReadOnlyList<ResolvedPort> ports) =>
        Track(SshTunnel.Open(Home, _sshd.Host(), run, Loopback, ports, Timeout));

    private SshTunnel Track(SshTunnel tunnel)
    {
        _tunnels.Add(tunnel);
        return tunnel;
    }

    private static async Task<string> EchoAsync(int port, string text)
    {
        using var client = await SocketIo.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await SocketIo.SendTextAsync(client, text);
        return Encoding.UTF8.GetString(await SocketIo.ReceiveExactlyAsync(client, Encoding.UTF8.GetByteCount(text)));
    }

    private static async Task HttpOkAsync(Socket socket)
    {
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(SocketIo.Timeout);
            if (read == 0)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await SocketIo.SendAllAsync(socket, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
    }
}
