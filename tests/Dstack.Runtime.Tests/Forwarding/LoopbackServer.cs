using System.Net;
using System.Net.Sockets;

namespace Dstack.Runtime.Tests.Forwarding;

/// <summary>A TCP server on 127.0.0.1 that stands in for the job: runs a handler per accepted connection.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, Task> _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _handlers = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private int _accepted;
    private int _active;

    private LoopbackServer(Socket listener, Func<Socket, Task> handler)
    {
        _listener = listener;
        _handler = handler;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public int Active => Volatile.Read(ref _active);

    /// <summary>Listens on 127.0.0.1, on <paramref name="port"/> or on any free port.</summary>
    public static LoopbackServer Start(Func<Socket, Task> handler, int port = 0)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        return new LoopbackServer(listener, handler);
    }

    /// <summary>Sends back everything it receives; at the end of the client's stream, ends its own.</summary>
    public static async Task EchoAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            await SocketIo.SendAllAsync(socket, buffer.AsMemory(0, read));
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accepting.WaitAsync(SocketIo.Timeout);
        Task[] running;
        lock (_gate)
        {
            running = [.. _handlers];
        }

        await Task.WhenAll(running).WaitAsync(SocketIo.Timeout);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            Interlocked.Increment(ref _active);
            lock (_gate)
            {
                _handlers.Add(Task.Run(() => HandleAsync(socket)));
            }
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        using var stop = _stopping.Token.Register(() => socket.Close(0));
        try
        {
            await _handler(socket);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client or the forwarder reset the connection; a test asserts on what the client saw.
        }
        finally
        {
            socket.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }
}
