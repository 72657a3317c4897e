using System.Net;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Forwarding;

namespace Dstack.Runtime.Tests.Forwarding;

/// <summary>Ports taken before the job starts, on real sockets on this machine.</summary>
public sealed class PortReservationTests
{
    private const string Loopback = "127.0.0.1";

    [Fact]
    public void Reserve_StarPortFree_JobServesItWithoutListener()
    {
        var port = SocketIo.FreePorts(1);

        using var reservation = PortReservation.Reserve([new PortMapping(null, port)], Loopback);

        Assert.Equal([new ResolvedPort(port, port, Forwarded: false)], reservation.Ports);
        Assert.True(PortReservation.IsFree(Loopback, port), "the job must be able to bind its own port");
    }

    [Fact]
    public void Reserve_StarPortWhenContainerPortIsTaken_SkipsBusyPort()
    {
        var port = SocketIo.FreePorts(3);
        using var busy = SocketIo.Occupy(port + 1);

        using var reservation = PortReservation.Reserve([new PortMapping(port, port), new PortMapping(null, port)], Loopback);

        Assert.Equal(new ResolvedPort(port, port, Forwarded: false), reservation.Ports[0]);
        Assert.Equal(new ResolvedPort(port + 2, port, Forwarded: true), reservation.Ports[1]);
        Assert.False(PortReservation.IsFree(Loopback, port + 2), "the chosen port is held until forwarding starts");
    }

    [Fact]
    public void Reserve_StarPortTwice_SkipsPortsOtherMappingsName()
    {
        // 8000 is served by the job, 8001 is another container port: the second *:8000 must skip both.
        var port = SocketIo.FreePorts(3);

        using var reservation = PortReservation.Reserve(
            [new PortMapping(null, port), new PortMapping(port + 2, port + 1), new PortMapping(null, port)], Loopback);

        Assert.Equal(
            [new ResolvedPort(port, port, false), new ResolvedPort(port + 2, port + 1, true), new ResolvedPort(port + 3, port, true)],
            reservation.Ports);
    }

    [Fact]
    public void Reserve_ForwardedPort_HoldsListenerUntilDisposed()
    {
        var port = SocketIo.FreePorts(2);
        var reservation = PortReservation.Reserve([new PortMapping(port + 1, port)], Loopback);

        Assert.Equal([new ResolvedPort(port + 1, port, Forwarded: true)], reservation.Ports);
        Assert.False(PortReservation.IsFree(Loopback, port + 1));
        Assert.True(PortReservation.IsFree(Loopback, port), "the container port is left for the job");

        reservation.Dispose();

        Assert.True(PortReservation.IsFree(Loopback, port + 1));
    }

    [Fact]
    public void Reserve_AnyAddressHost_ListensOnEveryInterface()
    {
        var port = SocketIo.FreePorts(2);

        using var reservation = PortReservation.Reserve([new PortMapping(port + 1, port)], "0.0.0.0");

        Assert.Equal("0.0.0.0", reservation.Host);
        Assert.False(PortReservation.IsFree(Loopback, port + 1), "0.0.0.0 includes 127.0.0.1");
    }

    [Fact]
    public void Reserve_BusyExplicitLocalPort_ThrowsNamingItAndReleasesOtherListeners()
    {
        var port = SocketIo.FreePorts(4);
        using var busy = SocketIo.Occupy(port + 3);

        var error = Assert.Throws<PortUnavailableException>(() =>
            PortReservation.Reserve([new PortMapping(port + 2, port), new PortMapping(port + 3, port + 1)], Loopback));

        Assert.Equal(port + 3, error.Port);
        Assert.Equal(DiagnosticCodes.PortBusy, error.Code);
        Assert.Equal(new PortMapping(port + 3, port + 1), error.Mapping);
        Assert.StartsWith($"local port {port + 3} is already in use on 127.0.0.1 (mapping \"{port + 3}:{port + 1}\")", error.Message, StringComparison.Ordinal);
        // The first free port above the busy one: port + 4 unless another process took it meanwhile (ports are shared).
        var suggested = System.Text.RegularExpressions.Regex.Match(error.Message, $@"-p (\d+):{port + 1}");
        Assert.True(suggested.Success, error.Message);
        Assert.InRange(int.Parse(suggested.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), port + 4, port + 104);
        Assert.Contains($"\"*:{port + 1}\"", error.Message, StringComparison.Ordinal);
        Assert.True(PortReservation.IsFree(Loopback, port + 2), "the listener of the first mapping is released");
    }

    [Fact]
    public void Reserve_BusyContainerPort_ThrowsBecauseJobCannotListen()
    {
        var port = SocketIo.FreePorts(4);
        using var busy = SocketIo.Occupy(port + 1);

        var error = Assert.Throws<PortUnavailableException>(() =>
            PortReservation.Reserve([new PortMapping(port + 2, port), new PortMapping(port + 3, port + 1)], Loopback));

        Assert.Equal(port + 1, error.Port);
        Assert.Contains($"port {port + 1} is already in use on 127.0.0.1, so the job cannot listen on it", error.Message, StringComparison.Ordinal);
        Assert.True(PortReservation.IsFree(Loopback, port + 2), "the listener of the first mapping is released");
    }

    [Fact]
    public void Reserve_BusySamePortMapping_Throws()
    {
        var port = SocketIo.FreePorts(1);
        using var busy = SocketIo.Occupy(port);

        var error = Assert.Throws<PortUnavailableException>(() => PortReservation.Reserve([new PortMapping(port, port)], Loopback));

        Assert.Equal(port, error.Port);
        Assert.Contains($"(mapping \"{port}\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserve_PortBusyOnlyOnHostAddress_ThrowsForJobPort()
    {
        // Something holds 0.0.0.0:P; with --host 0.0.0.0 a job serving P itself could not bind it there.
        var port = SocketIo.FreePorts(1);
        using var busy = SocketIo.Occupy(port, IPAddress.Any);

        var error = Assert.Throws<PortUnavailableException>(() => PortReservation.Reserve([new PortMapping(null, port)], "0.0.0.0"));

        Assert.Equal(port, error.Port);
    }

    [Fact]
    public void Reserve_LocalPortIsAnotherMappingsContainerPort_ThrowsConflict()
    {
        var port = SocketIo.FreePorts(2);

        var error = Assert.Throws<PortUnavailableException>(() =>
            PortReservation.Reserve([new PortMapping(port + 1, port), new PortMapping(port + 1, port + 1)], Loopback));

        Assert.Equal(DiagnosticCodes.PortConflict, error.Code);
        Assert.Equal(port + 1, error.Port);
        Assert.Contains("is also a port the job listens on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserve_SameLocalPortTwice_ThrowsConflictAndReleasesFirst()
    {
        var port = SocketIo.FreePorts(3);

        var error = Assert.Throws<PortUnavailableException>(() =>
            PortReservation.Reserve([new PortMapping(port + 2, port), new PortMapping(port + 2, port + 1)], Loopback));

        Assert.Equal(DiagnosticCodes.PortConflict, error.Code);
        Assert.Contains($"local port {port + 2} is mapped twice", error.Message, StringComparison.Ordinal);
        Assert.True(PortReservation.IsFree(Loopback, port + 2));
    }

    [Fact]
    public void Reserve_HostNotOnThisMachine_ThrowsWithHostFix()
    {
        var port = SocketIo.FreePorts(2);

        // 192.0.2.1 is a documentation address (TEST-NET-1) that no machine has.
        var error = Assert.Throws<PortUnavailableException>(() => PortReservation.Reserve([new PortMapping(port + 1, port)], "192.0.2.1"));

        Assert.Contains("not an address of this machine", error.Message, StringComparison.Ordinal);
        Assert.Contains("--host 0.0.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserve_HostNotAnAddress_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => PortReservation.Reserve([new PortMapping(8080, 80)], "my laptop"));

        Assert.Contains("\"my laptop\" is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartForwarding_JobListening_RelaysLocalPortToContainerPort()
    {
        var port = SocketIo.FreePorts(2);
        using var reservation = PortReservation.Reserve([new PortMapping(port + 1, port)], "localhost");
        await using var job = LoopbackServer.Start(LoopbackServer.EchoAsync, port);

        var forwarders = reservation.StartForwarding();
        try
        {
            var forwarder = Assert.Single(forwarders);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port + 1), forwarder.LocalEndPoint);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), forwarder.Target);
            using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);
            await SocketIo.SendTextAsync(client, "hi");
            Assert.Equal("hi"u8.ToArray(), await SocketIo.ReceiveExactlyAsync(client, 2));
            Assert.Throws<InvalidOperationException>(() => reservation.StartForwarding());
        }
        finally
        {
            await Task.WhenAll(forwarders.Select(f => f.DisposeAsync().AsTask())).WaitAsync(SocketIo.Timeout);
        }

        Assert.True(PortReservation.IsFree(Loopback, port + 1), "disposing the forwarder closes the reserved listener");
    }

    [Fact]
    public void ReserveForRemote_SamePortMapping_GetsAListener()
    {
        var port = SocketIo.FreePorts(1);

        using var reservation = PortReservation.ReserveForRemote([new PortMapping(port, port)], Loopback);

        Assert.True(reservation.IsRemote);
        Assert.Equal([new ResolvedPort(port, port, Forwarded: true)], reservation.Ports);
        Assert.False(PortReservation.IsFree(Loopback, port), "nothing listens here for a remote job, so the tunnel's port is held");
    }

    [Fact]
    public void ReserveForRemote_StarPort_TakesTheContainerPortItselfWhenFree()
    {
        var port = SocketIo.FreePorts(1);

        using var reservation = PortReservation.ReserveForRemote([new PortMapping(null, port)], Loopback);

        Assert.Equal([new ResolvedPort(port, port, Forwarded: true)], reservation.Ports);
        Assert.False(PortReservation.IsFree(Loopback, port));
    }

    [Fact]
    public void ReserveForRemote_StarPortBusyHere_ChoosesTheNextFreePort()
    {
        var port = SocketIo.FreePorts(2);
        using var busy = SocketIo.Occupy(port);

        using var reservation = PortReservation.ReserveForRemote([new PortMapping(null, port)], Loopback);

        Assert.Equal([new ResolvedPort(port + 1, port, Forwarded: true)], reservation.Ports);
    }

    [Fact]
    public void ReserveForRemote_StarPort80_ChoosesAFreePortFrom80Up()
    {
        using var reservation = PortReservation.ReserveForRemote([new PortMapping(null, 80)], Loopback);

        var resolved = Assert.Single(reservation.Ports);
        Assert.InRange(resolved.LocalPort, 80, 65_535);
        Assert.Equal(80, resolved.ContainerPort);
        Assert.True(resolved.Forwarded);
        Assert.False(PortReservation.IsFree(Loopback, resolved.LocalPort));
    }

    [Fact]
    public void ReserveForRemote_StarPort_SkipsALocalPortALaterMappingNames()
    {
        var port = SocketIo.FreePorts(3);

        using var reservation = PortReservation.ReserveForRemote([new PortMapping(null, port), new PortMapping(port, port + 2)], Loopback);

        Assert.Equal([new ResolvedPort(port + 1, port, true), new ResolvedPort(port, port + 2, true)], reservation.Ports);
    }

    [Fact]
    public void ReserveForRemote_ContainerPortBusyHere_IsNotChecked()
    {
        // The job listens on the host, not here: 8080:P with P busy on this machine is fine.
        var port = SocketIo.FreePorts(2);
        using var busy = SocketIo.Occupy(port);

        using var reservation = PortReservation.ReserveForRemote([new PortMapping(port + 1, port), new PortMapping(port + 2, port + 1)], Loopback);

        Assert.Equal([new ResolvedPort(port + 1, port, true), new ResolvedPort(port + 2, port + 1, true)], reservation.Ports);
    }

    [Fact]
    public void ReserveForRemote_BusyLocalPort_ThrowsTheSameMessageAndReleasesOthers()
    {
        var port = SocketIo.FreePorts(3);
        using var busy = SocketIo.Occupy(port + 1);

        var error = Assert.Throws<PortUnavailableException>(() =>
            PortReservation.ReserveForRemote([new PortMapping(port, port), new PortMapping(port + 1, port + 1)], Loopback));

        Assert.Equal(port + 1, error.Port);
        Assert.Equal(DiagnosticCodes.PortBusy, error.Code);
        Assert.StartsWith($"local port {port + 1} is already in use on 127.0.0.1 (mapping \"{port + 1}\")", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"*:{port + 1}\"", error.Message, StringComparison.Ordinal);
        Assert.True(PortReservation.IsFree(Loopback, port), "the listener of the first mapping is released");
    }

    [Fact]
    public void ReserveForRemote_SameLocalPortTwice_ThrowsConflict()
    {
        var port = SocketIo.FreePorts(1);

        var error = Assert.Throws<PortUnavailableException>(() =>
            PortReservation.ReserveForRemote([new PortMapping(port, port), new PortMapping(port, 9000)], Loopback));

        Assert.Equal(DiagnosticCodes.PortConflict, error.Code);
        Assert.Contains($"local port {port} is mapped twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Release_ClosesTheListenersAndReturnsThePorts()
    {
        var port = SocketIo.FreePorts(2);
        var reservation = PortReservation.ReserveForRemote([new PortMapping(port, 80), new PortMapping(port + 1, port + 1)], Loopback);

        var released = reservation.Release();

        Assert.Equal([new ResolvedPort(port, 80, true), new ResolvedPort(port + 1, port + 1, true)], released);
        Assert.True(PortReservation.IsFree(Loopback, port));
        Assert.True(PortReservation.IsFree(Loopback, port + 1));
        Assert.Throws<ObjectDisposedException>(() => reservation.Release());
    }

    [Fact]
    public void StartForwarding_RemoteReservation_IsRefused()
    {
        using var reservation = PortReservation.ReserveForRemote([new PortMapping(SocketIo.FreePorts(1), 80)], Loopback);

        var error = Assert.Throws<InvalidOperationException>(() => reservation.StartForwarding());

        Assert.Contains("Release()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsFree_PortWithListener_ReturnsFalseUntilClosed()
    {
        var port = SocketIo.FreePorts(1);
        var busy = SocketIo.Occupy(port);

        Assert.False(PortReservation.IsFree(Loopback, port));
        Assert.False(PortReservation.IsFree("0.0.0.0", port));

        busy.Dispose();

        Assert.True(PortReservation.IsFree(Loopback, port));
    }
}
