using System.Net;
using System.Net.Sockets;

namespace Dstack.Runtime.Forwarding;

/// <summary>One accepted client connection of a <see cref="PortForwarder"/> and its connection to the target.</summary>
internal sealed partial class ForwardedConnection(PortForwarder owner, Socket client, bool allowSplice)
{
    private Socket? _upstream;
    private int _aborted;

    /// <summary>Ends when both sockets are closed; never faults for network errors.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(IPEndPoint target, CancellationToken stopping) =>
        Completion = Task.Run(() => RunAsync(target, stopping), CancellationToken.None);

    /// <summary>Resets both sides at once; the pumps see their sockets closed and end.</summary>
    public void Abort()
    {
        Interlocked.Exchange(ref _aborted, 1);
        client.Close(0);
        Volatile.Read(ref _upstream)?.Close(0);
    }

    private async Task RunAsync(IPEndPoint target, CancellationToken stopping)
    {
        try
        {
            client.NoDelay = true;
            var upstream = await ConnectAsync(target, stopping).ConfigureAwait(false);
            if (upstream is null)
            {
                // Nothing listens on the target yet: end the client's connection the ordinary way.
                client.Shutdown(SocketShutdown.Both);
                return;
            }

            Interlocked.Exchange(ref _upstream, upstream);
            if (Volatile.Read(ref _aborted) != 0)
            {
                return;
            }

            await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, or the forwarder is stopping: the finally block closes what is left.
        }
        finally
        {
            client.Dispose();
            Volatile.Read(ref _upstream)?.Dispose();
            owner.Closed(this);
        }
    }

    /// <summary>
    /// A connected socket, or null when the target refuses. A target on 127.0.0.1 is also tried on [::1], where
    /// servers that bind "localhost" sometimes listen.
    /// </summary>
    private static async Task<Socket?> ConnectAsync(IPEndPoint target, CancellationToken stopping)
    {
        IPAddress[] candidates = target.Address.Equals(IPAddress.Loopback) && Socket.OSSupportsIPv6
            ? [target.Address, IPAddress.IPv6Loopback]
            : [target.Address];
        foreach (var address in candidates)
        {
            var upstream = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(new IPEndPoint(address, target.Port), stopping).ConfigureAwait(false);
                upstream.NoDelay = true;
                return upstream;
            }
            catch (SocketException)
            {
                upstream.Dispose();
            }
            catch (OperationCanceledException)
            {
                upstream.Dispose();
                throw;
            }
        }

        return null;
    }
}
