namespace Dstack.Runtime.Tests.Ssh;

/// <summary>One SSH host of <see cref="NetnsHosts"/>: a network namespace with its own sshd on <see cref="Address"/>.</summary>
/// <param name="Address">The host's IPv4 address on the fixture's bridge, reachable from the root namespace and from the other hosts.</param>
/// <param name="Namespace">The network namespace's name, for <c>ip netns exec</c>.</param>
/// <param name="Port">The port its sshd listens on (22).</param>
public sealed record NetnsHost(string Address, string Namespace, int Port);
