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
        Assert.Contains($"-p {port + 4}:{port + 1}", error.Message, StringComparison.Ordinal);
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
