using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dstack.Runtime.Tests.Forwarding;

/// <summary>Socket steps the forwarding tests share, each bounded by <see cref="Timeout"/> so no test can hang.</summary>
internal static class SocketIo
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(Timeout);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        for (var sent = 0; sent < data.Length;)
        {
            sent += await socket.SendAsync(data[sent..], SocketFlags.None);
        }
    }

    public static Task SendTextAsync(Socket socket, string text) => SendAllAsync(socket, Encoding.UTF8.GetBytes(text)).WaitAsync(Timeout);

    /// <summary>Everything the peer sends until it ends its stream.</summary>
    public static async Task<string> ReceiveTextToEndAsync(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Timeout)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    public static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var filled = 0; filled < count;)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).AsTask().WaitAsync(Timeout);
            Assert.True(read > 0, $"the stream ended after {filled} of {count} bytes");
            filled += read;
        }

        return buffer;
    }

    /// <summary>True once the peer has closed the connection, by ending its stream or by a reset.</summary>
    public static async Task<bool> IsClosedByPeerAsync(Socket socket)
    {
        try
        {
            var buffer = new byte[1024];
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Timeout) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing the test after <see cref="Timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports that are all free on 127.0.0.1 and 0.0.0.0 right now,
    /// below the range the system hands out to outgoing connections, so no other test's connection takes one meanwhile.
    /// </summary>
    public static int FreePorts(int count)
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_000 - count);
            if (Enumerable.Range(first, count).All(p => IsFreeEverywhere(p)))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports between 20000 and 32000");
    }

    private static bool IsFreeEverywhere(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A listening socket on 127.0.0.1:<paramref name="port"/> that makes the port busy.</summary>
    public static Socket Occupy(int port, IPAddress? address = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, port));
        socket.Listen();
        return socket;
    }
}
