using System.Net;
using System.Net.Sockets;

namespace Dstack.Benchmarks;

/// <summary>A server on 127.0.0.1 for the forwarder benchmark: one handler call per accepted connection.</summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, Task> _handler;
    private readonly Task _accepting;

    private BenchmarkServer(Socket listener, Func<Socket, Task> handler)
    {
        _listener = listener;
        _handler = handler;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    public static BenchmarkServer Start(Func<Socket, Task> handler)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return new BenchmarkServer(listener, handler);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _accepting;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    await _handler(socket);
                }
            });
        }
    }
}
