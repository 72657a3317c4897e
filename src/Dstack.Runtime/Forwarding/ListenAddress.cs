using System.Net;
using System.Net.Sockets;

namespace Dstack.Runtime.Forwarding;

/// <summary>Reads the <c>--host</c> value and binds listening sockets on it.</summary>
internal static class ListenAddress
{
    /// <summary>Enough for a burst of connections from a browser or a load test before the accept loop catches up.</summary>
    private const int Backlog = 512;

    /// <summary>An IP address (<c>127.0.0.1</c>, <c>0.0.0.0</c>, <c>::</c>, <c>[::1]</c>) or <c>localhost</c>.</summary>
    public static IPAddress Parse(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var text = host.Trim();
        if (text.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (text.Length > 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }

        return IPAddress.TryParse(text, out var address)
            ? address
            : throw new ArgumentException(
                $"host \"{host}\" is not an IP address; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address of this machine",
                nameof(host));
    }

    /// <summary>Whether the address only reaches this machine, or is the any-address that includes it.</summary>
    public static bool IsLoopbackOrAny(IPAddress address) =>
        IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>
    /// A socket bound to <paramref name="address"/>:<paramref name="port"/> and listening, or null with the reason.
    /// </summary>
    /// <remarks>
    /// No SO_REUSEADDR: on Linux and macOS .NET's ReuseAddress option sets SO_REUSEPORT too, which would let this socket
    /// share a port that another listener holds, the very thing the check is there to catch. Without it Linux still
    /// binds a port whose old connections wait in TIME_WAIT, so a port freed by the last run is free again.
    /// </remarks>
    public static Socket? TryListen(IPAddress address, int port, out SocketError error)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                // "::" means every interface, IPv4 ones included, as 0.0.0.0 does for IPv4.
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(Backlog);
            error = SocketError.Success;
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            error = e.SocketErrorCode;
            return null;
        }
    }
}
