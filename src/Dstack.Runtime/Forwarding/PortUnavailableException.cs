using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Forwarding;

/// <summary>
/// A port a run needs cannot be had: in use, mapped twice, not allowed, or on an address this machine does not have.
/// The message names the port, the mapping that needs it and the fix.
/// </summary>
public sealed class PortUnavailableException : Exception
{
    public PortUnavailableException(int port, PortMapping? mapping, string code, string message)
        : base(message)
    {
        Port = port;
        Mapping = mapping;
        Code = code;
    }

    public PortUnavailableException()
        : this(0, null, DiagnosticCodes.PortBusy, "a port is unavailable")
    {
    }

    public PortUnavailableException(string message)
        : this(0, null, DiagnosticCodes.PortBusy, message)
    {
    }

    public PortUnavailableException(string message, Exception inner)
        : base(message, inner) => Code = DiagnosticCodes.PortBusy;

    /// <summary>The port that cannot be had (local or container, as the message says).</summary>
    public int Port { get; }

    /// <summary>The mapping that needs the port, when one does.</summary>
    public PortMapping? Mapping { get; }

    /// <summary><see cref="DiagnosticCodes.PortBusy"/>, or <see cref="DiagnosticCodes.PortConflict"/> for two mappings that clash.</summary>
    public string Code { get; }
}
