using System.Net;
using System.Net.Sockets;

namespace Dstack.Runtime.Forwarding;

/// <summary>
/// Relays every TCP connection made to a local listening socket to a target endpoint, bytes unchanged in both
/// directions, for as long as the CLI is attached to a run: <c>-p 8080:80</c> listens on 8080 and relays to the job's 80.
/// </summary>
/// <remarks>
/// Each connection copies both ways at once with pooled 64 KiB buffers; on Linux a direction that carries a bulk
/// transfer moves to splice(2), which relays inside the kernel without copying the bytes through the process. A
/// half-close is passed on: when one side stops sending, the other side's sending half is shut down too, so
/// request-then-reply protocols work. A reset on one side resets the other. When the target refuses (the job does not listen yet) the client's connection is
/// closed and the forwarder goes on accepting. <see cref="DisposeAsync"/> stops accepting, closes every connection
/// and the listener, and returns when all of them have ended.
/// </remarks>
public sealed class PortForwarder : IAsyncDisposable
{
    /// <summary>The copy buffer of one direction of one connection while data flows; idle connections hold none.</summary>
    internal const int BufferSize = 64 * 1024;

    private static readonly TimeSpan AcceptErrorPause = TimeSpan.FromMilliseconds(50);

    private readonly Socket _listener;
    private readonly bool _allowSplice;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<ForwardedConnection> _connections = [];
    private Task _accepting = Task.CompletedTask;
    private Task? _disposing;
    private int _active;
    private long _bytes;
    private int _splicedDirections;

    private PortForwarder(Socket listener, IPEndPoint localEndPoint, IPEndPoint target, bool allowSplice)
    {
        _listener = listener;
        _allowSplice = allowSplice;
        LocalEndPoint = localEndPoint;
        Target = target;
    }

    /// <summary>The address and port the forwarder accepts connections on.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Where every connection is relayed to.</summary>
    public IPEndPoint Target { get; }

    /// <summary>Connections accepted and not yet closed.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>Bytes relayed so far, both directions together.</summary>
    public long BytesForwarded => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Starts relaying connections accepted on <paramref name="listener"/>, a socket already bound and listening (from
    /// <see cref="PortReservation"/>, so no other process can take the port in between), to <paramref name="target"/>.
    /// The forwarder owns the listener from now on.
    /// </summary>
    public static PortForwarder Start(Socket listener, IPEndPoint target) => Start(listener, target, allowSplice: true);

    /// <summary>Binds <paramref name="listenOn"/> (port 0 for any free port) and starts relaying to <paramref name="target"/>.</summary>
    /// <exception cref="SocketException">The address and port cannot be bound.</exception>
    public static PortForwarder Start(IPEndPoint listenOn, IPEndPoint target) => Start(listenOn, target, allowSplice: true);

    /// <summary>As the public overload; <paramref name="allowSplice"/> false keeps every byte on the copying path (tests).</summary>
    internal static PortForwarder Start(IPEndPoint listenOn, IPEndPoint target, bool allowSplice)
    {
        ArgumentNullException.ThrowIfNull(listenOn);
        var listener = ListenAddress.TryListen(listenOn.Address, listenOn.Port, out var error) ?? throw new SocketException((int)error);
        return Start(listener, target, allowSplice);
    }

    internal static PortForwarder Start(Socket listener, IPEndPoint target, bool allowSplice)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(target);
        if (listener.LocalEndPoint is not IPEndPoint local)
        {
            throw new ArgumentException("the listener must be bound and listening", nameof(listener));
        }

        var forwarder = new PortForwarder(listener, local, target, allowSplice);
        forwarder._accepting = Task.Run(forwarder.AcceptLoopAsync);
        return forwarder;
    }

    /// <summary>Stops accepting, closes every open connection and the listener, and waits until all have ended.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposing ??= DisposeCoreAsync();
            return new ValueTask(_disposing);
        }
    }

    /// <summary>Directions of connections that moved to splice(2) so far; tests check the path they mean to cover.</summary>
    internal int SplicedDirections => Volatile.Read(ref _splicedDirections);

    internal void Count(int bytes) => Interlocked.Add(ref _bytes, bytes);

    internal void SpliceStarted() => Interlocked.Increment(ref _splicedDirections);

    internal void Closed(ForwardedConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }

        Interlocked.Decrement(ref _active);
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // A client that gave up before it was accepted costs nothing; anything else (out of file handles) is
                // waited out briefly rather than retried in a tight loop.
                if (e.SocketErrorCode is not (SocketError.ConnectionAborted or SocketError.ConnectionReset))
                {
                    try
                    {
                        await Task.Delay(AcceptErrorPause, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                continue;
            }

            var connection = new ForwardedConnection(this, client, _allowSplice);
            lock (_gate)
            {
                _connections.Add(connection);
            }

            Interlocked.Increment(ref _active);
            connection.Start(Target, _stopping.Token);
        }
    }

    private async Task DisposeCoreAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);

        // The accept loop has ended, so the set only shrinks from here on.
        ForwardedConnection[] open;
        lock (_gate)
        {
            open = [.. _connections];
        }

        foreach (var connection in open)
        {
            connection.Abort();
        }

        await Task.WhenAll(open.Select(c => c.Completion)).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
