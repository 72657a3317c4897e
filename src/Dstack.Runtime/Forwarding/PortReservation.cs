using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Forwarding;

/// <summary>
/// The local ports of a run, taken before the job starts. A mapping whose local port differs from its container
/// port (<c>8080:80</c>, or <c>*:80</c> when 80 is taken by another mapping) gets a listening socket on the host now,
/// so no other process can take the port before forwarding starts; a mapping with the same port on both sides
/// (<c>8000</c>) is served by the job itself, so the port is only checked to be free. Every port the job will listen
/// on is checked to be free on 127.0.0.1, since the job could not bind a busy one.
/// </summary>
/// <remarks>
/// <c>*:C</c> means the first free local port from C up: C itself when it is free (the job serves it), else, when
/// another mapping already uses C, the first port above C that binds on the host and that no other mapping names.
/// Ports 10000-10999 get no special case here; callers leave them out.
/// For a job on another machine (<see cref="ReserveForRemote"/>) every mapping is forwarded by an SSH tunnel: each
/// local port gets a listener, <c>8000</c> included, and <see cref="Release"/> hands the ports over to the tunnel.
/// </remarks>
public sealed partial class PortReservation : IDisposable
{
    /// <summary>Where forwarded ports listen unless the user passes <c>--host</c>: this machine only.</summary>
    public const string DefaultHost = "127.0.0.1";

    private readonly List<ReservedListener> _listeners;
    private bool _forwarding;
    private bool _disposed;

    private PortReservation(string host, IReadOnlyList<ResolvedPort> ports, List<ReservedListener> listeners, bool remote)
    {
        IsRemote = remote;
        Host = host;
        Ports = ports;
        _listeners = listeners;
    }

    /// <summary>True for a job on another machine (<see cref="ReserveForRemote"/>): an SSH tunnel forwards every port.</summary>
    public bool IsRemote { get; }

    /// <summary>The host the forwarded ports listen on, as the user wrote it.</summary>
    public string Host { get; }

    /// <summary>One entry per mapping, in the order of the mappings.</summary>
    public IReadOnlyList<ResolvedPort> Ports { get; }

    /// <summary>
    /// Takes the local ports of <paramref name="ports"/> on <paramref name="host"/> (an IP address, or localhost).
    /// </summary>
    /// <exception cref="PortUnavailableException">
    /// A port is in use, needs privileges, is mapped twice, or the host is not an address of this machine; nothing
    /// stays bound.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP address.</exception>
    /// <param name="ports">The run's mappings.</param>
    /// <param name="host">The address the forwarded ports listen on.</param>
    /// <param name="jobListening">
    /// True when the job already runs (<c>dstack attach</c>): its own ports are in use by it, so only the forwarded
    /// local ports are taken and checked.
    /// </param>
    public static PortReservation Reserve(IReadOnlyList<PortMapping> ports, string host = DefaultHost, bool jobListening = false)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return Take(new Reserver(ports, host, ListenAddress.Parse(host), jobListening), ports, host, remote: false);
    }

    /// <summary>
    /// Takes the local ports of <paramref name="ports"/> on <paramref name="host"/> for a job that runs on another
    /// machine (an SSH host), whose ports an SSH tunnel forwards: every mapping gets a listener here, <c>8000</c> as
    /// well as <c>8080:80</c>, and <c>*:C</c> takes the first free local port from C up. No port of the job is checked
    /// on this machine. Call <see cref="Release"/> right before the tunnel binds the ports.
    /// </summary>
    /// <exception cref="PortUnavailableException">
    /// A local port is in use, needs privileges, is mapped twice, or the host is not an address of this machine;
    /// nothing stays bound.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP address.</exception>
    public static PortReservation ReserveForRemote(IReadOnlyList<PortMapping> ports, string host = DefaultHost)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return Take(new Reserver(ports, host, ListenAddress.Parse(host), jobListening: false, remote: true), ports, host, remote: true);
    }

    private static PortReservation Take(Reserver reserver, IReadOnlyList<PortMapping> ports, string host, bool remote)
    {
        try
        {
            var resolved = ports.Select(reserver.Resolve).ToArray();
            return new PortReservation(host, resolved, reserver.Listeners, remote);
        }
        catch
        {
            foreach (var reserved in reserver.Listeners)
            {
                reserved.Listener.Dispose();
            }

            throw;
        }
    }

    /// <summary>Whether a listening socket can bind <paramref name="host"/>:<paramref name="port"/> right now.</summary>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP address.</exception>
    public static bool IsFree(string host, int port)
    {
        using var socket = ListenAddress.TryListen(ListenAddress.Parse(host), port, out _);
        return socket is not null;
    }

    /// <summary>
    /// Starts a <see cref="PortForwarder"/> on every reserved listener, relaying to 127.0.0.1 on the container port;
    /// the forwarders own the listeners from now on. Call once, when the job has been started.
    /// </summary>
    public IReadOnlyList<PortForwarder> StartForwarding()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_forwarding)
        {
            throw new InvalidOperationException("forwarding has already started for this reservation");
        }

        if (IsRemote)
        {
            throw new InvalidOperationException("the job of this reservation runs on another machine: Release() the ports to an SSH tunnel instead");
        }

        _forwarding = true;
        return [.. _listeners.Select(r => PortForwarder.Start(r.Listener, new IPEndPoint(IPAddress.Loopback, r.Port.ContainerPort)))];
    }

    /// <summary>
    /// Closes the listening sockets and returns the ports, so that another program (the SSH tunnel) can bind them
    /// right away. A port is free to anyone from now on: bind it promptly.
    /// </summary>
    /// <exception cref="InvalidOperationException">Forwarding has started: the forwarders own the listeners.</exception>
    public IReadOnlyList<ResolvedPort> Release()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_forwarding)
        {
            throw new InvalidOperationException("forwarding has started for this reservation; its forwarders own the ports");
        }

        Dispose();
        return Ports;
    }

    /// <summary>Releases the listeners that no forwarder has taken over.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_forwarding)
        {
            foreach (var reserved in _listeners)
            {
                reserved.Listener.Dispose();
            }
        }
    }

    private sealed record ReservedListener(ResolvedPort Port, Socket Listener);
}
