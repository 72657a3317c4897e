using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Forwarding;

namespace Dstack.Runtime.Tests.Forwarding;

/// <summary>A real server on 127.0.0.1 behind a real forwarder: what the client and the server see.</summary>
public sealed class PortForwarderTests
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Forwarder_50MegabytesEchoed_ArriveIntactBothWays(bool allowSplice)
    {
        await using var server = LoopbackServer.Start(LoopbackServer.EchoAsync);
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint, allowSplice);
        var payload = new byte[50 * 1024 * 1024];
        new Random(42).NextBytes(payload);
        using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);

        var sending = Task.Run(async () =>
        {
            await SocketIo.SendAllAsync(client, payload);
            client.Shutdown(SocketShutdown.Send);
        });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long received = 0;
        int read;
        while ((read = await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(SocketIo.Timeout)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            received += read;
        }

        await sending.WaitAsync(SocketIo.Timeout);
        Assert.Equal(payload.Length, received);
        Assert.Equal(SHA256.HashData(payload), hash.GetHashAndReset());
        await SocketIo.WaitUntilAsync(() => forwarder.BytesForwarded == 2L * payload.Length, "both directions are counted");
        Assert.Equal(allowSplice && OperatingSystem.IsLinux() ? 2 : 0, forwarder.SplicedDirections);
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(1_000_000, true)]
    [InlineData(1_000_000, false)]
    public async Task Forwarder_ClientHalfCloses_StillReceivesServerReply(int requestLength, bool allowSplice)
    {
        // The server answers only once the request has ended: without the half-close passed on it never would. A
        // long request ends while the direction splices on Linux, a short one while it copies.
        await using var server = LoopbackServer.Start(async socket =>
        {
            var request = await SocketIo.ReceiveTextToEndAsync(socket);
            await SocketIo.SendTextAsync(socket, $"got {request.Length} bytes ending {request[^5..]}");
            socket.Shutdown(SocketShutdown.Send);
        });
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint, allowSplice);
        using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);

        await SocketIo.SendTextAsync(client, new string('q', requestLength - 5) + "?done");
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal($"got {requestLength} bytes ending ?done", await SocketIo.ReceiveTextToEndAsync(client));
        Assert.Equal(requestLength > PortForwarder.BufferSize && allowSplice && OperatingSystem.IsLinux() ? 1 : 0, forwarder.SplicedDirections);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DisposeAsync_DuringEndlessTransfer_EndsEveryConnection(bool allowSplice)
    {
        await using var server = LoopbackServer.Start(async socket =>
        {
            var chunk = new byte[256 * 1024];
            while (true)
            {
                await SocketIo.SendAllAsync(socket, chunk);
            }
        });
        var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint, allowSplice);
        using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);
        await SocketIo.ReceiveExactlyAsync(client, 4 * 1024 * 1024);
        Assert.Equal(allowSplice && OperatingSystem.IsLinux(), forwarder.SplicedDirections == 1);

        await forwarder.DisposeAsync().AsTask().WaitAsync(SocketIo.Timeout);

        Assert.Equal(0, forwarder.ActiveConnections);
        Assert.True(await SocketIo.IsClosedByPeerAsync(client));
        await SocketIo.WaitUntilAsync(() => server.Active == 0, "the server's connection is reset");
    }

    [Fact]
    public async Task Forwarder_ServerHalfCloses_ClientCanStillSend()
    {
        var late = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = LoopbackServer.Start(async socket =>
        {
            await SocketIo.SendTextAsync(socket, "hello");
            socket.Shutdown(SocketShutdown.Send);
            late.SetResult(await SocketIo.ReceiveTextToEndAsync(socket));
        });
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);

        Assert.Equal("hello", await SocketIo.ReceiveTextToEndAsync(client));
        await SocketIo.SendTextAsync(client, "after your end");
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("after your end", await late.Task.WaitAsync(SocketIo.Timeout));
    }

    [Fact]
    public async Task Forwarder_TargetRefuses_ClosesClientAndServesOnceTargetListens()
    {
        var port = SocketIo.FreePorts(1);
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, new IPEndPoint(IPAddress.Loopback, port));

        using (var early = await SocketIo.ConnectAsync(forwarder.LocalEndPoint))
        {
            // An ordinary end of stream, not a reset: the job just does not listen yet.
            Assert.Equal(0, await early.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(SocketIo.Timeout));
        }

        await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == 0, "the refused connection is closed");
        await using var server = LoopbackServer.Start(LoopbackServer.EchoAsync, port);
        using var late = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);
        await SocketIo.SendTextAsync(late, "ping");
        Assert.Equal("ping"u8.ToArray(), await SocketIo.ReceiveExactlyAsync(late, 4));
    }

    [Fact]
    public async Task Forwarder_200ConcurrentConnections_EachGetsItsOwnBytes()
    {
        const int Clients = 200;
        await using var server = LoopbackServer.Start(LoopbackServer.EchoAsync);
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => SocketIo.ConnectAsync(forwarder.LocalEndPoint)));
        try
        {
            await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == Clients && server.Active == Clients, "every connection is relayed");

            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                var message = Enumerable.Repeat((byte)i, 4096 + i).ToArray();
                await SocketIo.SendAllAsync(client, message).WaitAsync(SocketIo.Timeout);
                Assert.Equal(message, await SocketIo.ReceiveExactlyAsync(client, message.Length));
            })).WaitAsync(SocketIo.Timeout);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == 0 && server.Active == 0, "every connection is closed");
    }

    [Fact]
    public async Task Forwarder_1000ShortConnections_AllServedAndNoneLeft()
    {
        const int Connections = 1000;
        await using var server = LoopbackServer.Start(LoopbackServer.EchoAsync);
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        var served = 0;

        await Parallel.ForAsync(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);
            var message = BitConverter.GetBytes(i);
            await SocketIo.SendAllAsync(client, message).WaitAsync(SocketIo.Timeout);
            var echoed = await SocketIo.ReceiveExactlyAsync(client, 4);
            if (message.AsSpan().SequenceEqual(echoed))
            {
                Interlocked.Increment(ref served);
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Connections, served);
        Assert.Equal(Connections, server.Accepted);
        await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == 0 && server.Active == 0, "every connection is closed");
    }

    [Fact]
    public async Task DisposeAsync_OpenConnections_ClosesThemAndTheListener()
    {
        await using var server = LoopbackServer.Start(LoopbackServer.EchoAsync);
        var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        var idle = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SocketIo.ConnectAsync(forwarder.LocalEndPoint)));
        var busy = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => SocketIo.ConnectAsync(forwarder.LocalEndPoint)));
        foreach (var client in busy)
        {
            await SocketIo.SendTextAsync(client, "x");
            await SocketIo.ReceiveExactlyAsync(client, 1);
        }

        await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == 5 && server.Active == 5, "all five are relayed");

        await forwarder.DisposeAsync().AsTask().WaitAsync(SocketIo.Timeout);

        Assert.Equal(0, forwarder.ActiveConnections);
        var refused = await Assert.ThrowsAsync<SocketException>(() => SocketIo.ConnectAsync(forwarder.LocalEndPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        foreach (var client in idle.Concat(busy))
        {
            Assert.True(await SocketIo.IsClosedByPeerAsync(client));
            client.Dispose();
        }

        await SocketIo.WaitUntilAsync(() => server.Active == 0, "the server sees every connection end");
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_SecondReturnsAtOnce()
    {
        var forwarder = PortForwarder.Start(AnyLoopbackPort, new IPEndPoint(IPAddress.Loopback, SocketIo.FreePorts(1)));

        await forwarder.DisposeAsync().AsTask().WaitAsync(SocketIo.Timeout);
        var second = forwarder.DisposeAsync();

        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Forwarder_ClientResets_ServerSeesConnectionEnd()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = LoopbackServer.Start(async socket =>
        {
            try
            {
                await LoopbackServer.EchoAsync(socket);
            }
            finally
            {
                ended.SetResult();
            }
        });
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);
        await SocketIo.SendTextAsync(client, "abc");
        await SocketIo.ReceiveExactlyAsync(client, 3);

        client.Close(0);

        await ended.Task.WaitAsync(SocketIo.Timeout);
        await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == 0, "the forwarder drops the connection");
    }

    [Fact]
    public async Task Forwarder_ServerResets_ClientSeesConnectionEnd()
    {
        await using var server = LoopbackServer.Start(async socket =>
        {
            await SocketIo.ReceiveExactlyAsync(socket, 1);
            socket.Close(0);
        });
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        using var client = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);

        await SocketIo.SendTextAsync(client, "!");

        Assert.True(await SocketIo.IsClosedByPeerAsync(client));
        await SocketIo.WaitUntilAsync(() => forwarder.ActiveConnections == 0, "the forwarder drops the connection");
    }

    [Fact]
    public async Task Forwarder_IdleClient_DoesNotHoldUpOthers()
    {
        await using var server = LoopbackServer.Start(LoopbackServer.EchoAsync);
        await using var forwarder = PortForwarder.Start(AnyLoopbackPort, server.EndPoint);
        using var silent = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);
        using var talker = await SocketIo.ConnectAsync(forwarder.LocalEndPoint);

        await SocketIo.SendTextAsync(talker, "still here");

        Assert.Equal(Encoding.UTF8.GetBytes("still here"), await SocketIo.ReceiveExactlyAsync(talker, 10));
        Assert.Equal(2, forwarder.ActiveConnections);
    }
}
