namespace Dstack.Runtime.Forwarding;

/// <summary>
/// A port mapping after reservation: the local port the user reaches, the port the job listens on, and whether a
/// <see cref="PortForwarder"/> relays between them (false when the job serves the local port itself).
/// </summary>
public sealed record ResolvedPort(int LocalPort, int ContainerPort, bool Forwarded)
{
    /// <summary>The way dstack writes a mapping: <c>8080:80</c>, or <c>8000</c> when both ports are the same.</summary>
    public override string ToString() => LocalPort == ContainerPort ? $"{ContainerPort}" : $"{LocalPort}:{ContainerPort}";
}
