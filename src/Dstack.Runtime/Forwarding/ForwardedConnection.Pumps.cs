using System.Buffers;
using System.Net.Sockets;

namespace Dstack.Runtime.Forwarding;

internal sealed partial class ForwardedConnection
{
    /// <summary>
    /// What one splice may move. 1 MiB is the most an unprivileged process may ask for; the kernel gives less
    /// when the user's pipes already hold a lot, and the pipe still works.
    /// </summary>
    private const int PipeCapacity = 1024 * 1024;

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/> until the end of the stream, then half-closes
    /// <paramref name="to"/>. On Linux a direction that fills a whole buffer (a bulk transfer) moves to splice(2),
    /// which relays inside the kernel instead of copying every byte into this process and out again.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        byte[]? buffer = null;
        var drained = true;
        var splice = allowSplice;
        try
        {
            while (true)
            {
                if (drained)
                {
                    // A zero-byte receive waits for data without a buffer: an idle connection holds no memory, and one
                    // with data waiting keeps its buffer.
                    var ready = from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                    if (!ready.IsCompleted && buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                    }

                    await ready.ConfigureAwait(false);
                }

                buffer ??= ArrayPool<byte>.Shared.Rent(PortForwarder.BufferSize);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await SendAllAsync(to, buffer.AsMemory(0, read)).ConfigureAwait(false);
                owner.Count(read);
                drained = read < buffer.Length;
                if (!drained && splice && SplicePipe.TryCreate(PipeCapacity) is { } pipe)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                    owner.SpliceStarted();
                    using (pipe)
                    {
                        if (await SpliceAsync(pipe, from, to).ConfigureAwait(false))
                        {
                            return;
                        }
                    }

                    // The kernel will not splice these sockets: go on copying.
                    splice = false;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Abort();
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Relays through <paramref name="pipe"/> until the end of the stream (true), or until the kernel refuses to
    /// splice these sockets (false, with the pipe empty).
    /// </summary>
    private async Task<bool> SpliceAsync(SplicePipe pipe, Socket from, Socket to)
    {
        while (true)
        {
            var moved = pipe.FillFrom(from);
            if (moved == SplicePipe.WouldBlock)
            {
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                continue;
            }

            if (moved == SplicePipe.Unsupported)
            {
                return false;
            }

            if (moved == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return true;
            }

            var unsupported = false;
            while (moved > 0)
            {
                var sent = pipe.DrainTo(to, moved);
                if (sent > 0)
                {
                    moved -= sent;
                    owner.Count((int)sent);
                    continue;
                }

                // The receiver is behind: copy what the pipe holds and let the socket wait for room the ordinary way.
                unsupported |= sent == SplicePipe.Unsupported;
                moved -= await CopyOutAsync(pipe, to, moved).ConfigureAwait(false);
            }

            if (unsupported)
            {
                return false;
            }
        }
    }

    private async Task<int> CopyOutAsync(SplicePipe pipe, Socket to, long count)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PortForwarder.BufferSize);
        try
        {
            var read = pipe.ReadInto(buffer, (int)Math.Min(count, buffer.Length));
            await SendAllAsync(to, buffer.AsMemory(0, read)).ConfigureAwait(false);
            owner.Count(read);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask SendAllAsync(Socket to, ReadOnlyMemory<byte> data)
    {
        for (var sent = 0; sent < data.Length;)
        {
            sent += await to.SendAsync(data[sent..], SocketFlags.None).ConfigureAwait(false);
        }
    }
}
