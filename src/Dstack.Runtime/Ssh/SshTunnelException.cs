using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// An SSH tunnel could not be opened: a local port is in use, the host is unreachable or refused the login, or ssh
/// did not set up the forwarding in time. The message names the host, the port when one is at fault, ssh's own words
/// and the fix.
/// </summary>
public sealed class SshTunnelException : Exception
{
    public SshTunnelException(string code, int? localPort, string message)
        : base(message)
    {
        Code = code;
        LocalPort = localPort;
    }

    public SshTunnelException()
        : this(DiagnosticCodes.HostUnreachable, null, "the SSH tunnel could not be opened")
    {
    }

    public SshTunnelException(string message)
        : this(DiagnosticCodes.HostUnreachable, null, message)
    {
    }

    public SshTunnelException(string message, Exception inner)
        : base(message, inner) => Code = DiagnosticCodes.HostUnreachable;

    /// <summary>
    /// <see cref="DiagnosticCodes.PortBusy"/> for a local port that cannot be had, else the code of the SSH failure
    /// (<see cref="DiagnosticCodes.HostUnreachable"/>, <see cref="DiagnosticCodes.HostAuthFailed"/>, ...).
    /// </summary>
    public string Code { get; }

    /// <summary>The local port ssh could not listen on, when that is the failure.</summary>
    public int? LocalPort { get; }
}
