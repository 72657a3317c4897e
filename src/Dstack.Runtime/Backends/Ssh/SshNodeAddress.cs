using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>How the run's other jobs reach a pool host.</summary>
public static class SshNodeAddress
{
    /// <summary>The address other jobs reach a host at: its IP, resolved here when it is a name (else the name as written).</summary>
    public static string Of(string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return host;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return (addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault())?.ToString() ?? host;
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return host;
        }
    }
}

