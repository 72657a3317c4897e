using System.Net;
using System.Net.Sockets;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A port that takes every connection and closes it at once without reading or answering, as an SSH forward does when
/// its far end refuses; with <c>stopListening</c>, a replica that died right after taking its first connection: it
/// closes that one and stops listening, so the port refuses from then on.
/// </summary>
internal sealed class ClosingForward : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _accepting;
    private int _accepted;

    public ClosingForward(bool stopListening = false)
    {
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _accepted);
                    client.Close();
                    if (stopListening)
                    {
                        _listener.Stop();
                        return;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public Uri Address { get; }

    /// <summary>The connections it took and closed.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public void Dispose()
    {
        _listener.Stop();
        _accepting.Wait(TimeSpan.FromSeconds(5));
    }
}
