namespace Dstack.Runtime.Hosts;

/// <summary>
/// A job's port made reachable from this process (<see cref="IJobHost.ReachPort"/>): the port itself on this machine,
/// or the local end of a forward over the host's SSH connection. Disposing takes the forward back.
/// </summary>
/// <param name="address">Where the port answers from here: <c>http://127.0.0.1:41234/</c>.</param>
/// <param name="close">Takes the forward back; null when there is nothing to take back.</param>
public sealed class ReachedPort(Uri address, Action? close = null) : IDisposable
{
    private Action? _close = close;

    /// <summary>Where the port answers from here, as an absolute http URI with no path.</summary>
    public Uri Address { get; } = address;

    /// <summary>The port of this machine that reaches the job's port.</summary>
    public int LocalPort => Address.Port;

    public void Dispose() => Interlocked.Exchange(ref _close, null)?.Invoke();
}
