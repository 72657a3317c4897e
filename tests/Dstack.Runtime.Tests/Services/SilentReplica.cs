using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A replica whose app took a request and died on it while the port still answers: it reads each request's head and
/// body, then closes the connection without answering, and keeps listening; a connection that sends nothing (the
/// endpoint's port probe) is held open, so the port counts as answering.
/// </summary>
internal sealed class SilentReplica : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _open = [];
    private readonly ConcurrentBag<Task> _serving = [];
    private readonly Task _accepting;
    private int _requests;

    public SilentReplica()
    {
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync();
                    _open.Add(client);
                    _serving.Add(ServeAsync(client));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public Uri Address { get; }

    /// <summary>The requests it read whole (and never answered).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _listener.Stop();
        _accepting.Wait(TimeSpan.FromSeconds(5));
        foreach (var client in _open)
        {
            client.Dispose();
        }

        Task.WaitAll([.. _serving], TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var read = new List<byte>();
            var buffer = new byte[8192];
            int end;
            while ((end = HeadEnd(read)) < 0)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    return;
                }

                read.AddRange(buffer.AsSpan(0, n));
            }

            var head = Encoding.ASCII.GetString([.. read[..end]]);
            var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var body = read.Count - end - 4;
            while (body < length)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    return;
                }

                body += n;
            }

            Interlocked.Increment(ref _requests);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            client.Close();
        }
    }

    private static int HeadEnd(List<byte> read)
    {
        for (var i = 0; i + 3 < read.Count; i++)
        {
            if (read[i] == '\r' && read[i + 1] == '\n' && read[i + 2] == '\r' && read[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
