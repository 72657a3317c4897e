using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Dstack.Runtime.Forwarding;

/// <summary>
/// A Linux pipe that moves a connection's bytes from one socket to another inside the kernel with splice(2), so
/// the forwarder does not copy them into the process and out again. Both ends are non-blocking.
/// </summary>
internal sealed class SplicePipe : IDisposable
{
    /// <summary>Returned when the socket has nothing to give, or no room to take, right now.</summary>
    public const long WouldBlock = -1;

    /// <summary>Returned when the kernel will not splice this socket at all (an emulated or filtered socket layer).</summary>
    public const long Unsupported = -2;

    // Linux values, the same on x64 and arm64.
    private const int NonBlockingOpen = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int SetPipeSize = 1031;
    private const int GetPipeSize = 1032;
    private const uint MovePages = 1;
    private const uint NonBlockingSplice = 2;
    private const int Interrupted = 4;
    private const int TryAgain = 11;
    private const int InvalidArgument = 22;
    private const int BrokenPipe = 32;
    private const int NotImplemented = 38;
    private const int NotSupported = 95;
    private const int ConnectionReset = 104;

    private static bool _unavailable;

    private readonly int _readEnd;
    private readonly int _writeEnd;
    private bool _disposed;

    private SplicePipe(int readEnd, int writeEnd, int capacity)
    {
        _readEnd = readEnd;
        _writeEnd = writeEnd;
        Capacity = capacity;
    }

    /// <summary>How many bytes the pipe holds: the most one splice moves.</summary>
    public int Capacity { get; }

    /// <summary>A new pipe of up to <paramref name="capacity"/> bytes, or null off Linux or when no pipe can be had (out of file handles).</summary>
    public static SplicePipe? TryCreate(int capacity)
    {
        if (!OperatingSystem.IsLinux() || _unavailable)
        {
            return null;
        }

        var ends = new int[2];
        try
        {
            if (Native.pipe2(ends, NonBlockingOpen | CloseOnExec) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library the runtime cannot load by the name "libc": copy instead, and stop asking.
            _unavailable = true;
            return null;
        }

        // Growing the pipe fails once the user's pipes hold more than the system allows; the pipe keeps its size then.
        _ = Native.fcntl(ends[1], SetPipeSize, capacity);
        var size = Native.fcntl(ends[1], GetPipeSize, 0);
        return new SplicePipe(ends[0], ends[1], size > 0 ? size : 4096);
    }

    /// <summary>Moves what the socket has, up to <see cref="Capacity"/>, into the empty pipe: the count, 0 at the end of the stream, or <see cref="WouldBlock"/>.</summary>
    public long FillFrom(Socket socket) => Splice(socket, intoSocket: false, Capacity);

    /// <summary>Moves up to <paramref name="count"/> bytes from the pipe into the socket: the count, or <see cref="WouldBlock"/>.</summary>
    public long DrainTo(Socket socket, long count) => Splice(socket, intoSocket: true, count);

    /// <summary>Copies up to <paramref name="count"/> bytes the pipe holds into <paramref name="buffer"/>.</summary>
    public int ReadInto(byte[] buffer, int count)
    {
        while (true)
        {
            var read = Native.read(_readEnd, buffer, (nuint)Math.Min(count, buffer.Length));
            if (read > 0)
            {
                return (int)read;
            }

            var errno = read == 0 ? TryAgain : Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                // Only called when the pipe holds data, so an empty one is as broken as an error.
                throw new SocketException((int)SocketError.SocketError);
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _ = Native.close(_readEnd);
            _ = Native.close(_writeEnd);
        }
    }

    private long Splice(Socket socket, bool intoSocket, long count)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            // Held across the call, so that a concurrent Dispose cannot close the descriptor and its number be reused
            // by another file in between. Throws ObjectDisposedException once the socket is closed.
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                var moved = intoSocket
                    ? Native.splice(_readEnd, 0, fd, 0, (nuint)count, MovePages | NonBlockingSplice)
                    : Native.splice(fd, 0, _writeEnd, 0, (nuint)count, MovePages | NonBlockingSplice);
                if (moved >= 0)
                {
                    return moved;
                }

                switch (Marshal.GetLastPInvokeError())
                {
                    case Interrupted:
                        continue;
                    case TryAgain:
                        return WouldBlock;
                    case InvalidArgument or NotImplemented or NotSupported:
                        return Unsupported;
                    case ConnectionReset or BrokenPipe:
                        throw new SocketException((int)SocketError.ConnectionReset);
                    default:
                        throw new SocketException((int)SocketError.SocketError);
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int pipe2([Out] int[] ends, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fcntl(int fd, int command, int argument);

        [DllImport("libc", SetLastError = true)]
        public static extern nint splice(int input, nint inputOffset, int output, nint outputOffset, nuint length, uint flags);

        [DllImport("libc", SetLastError = true)]
        public static extern nint read(int fd, [Out] byte[] buffer, nuint count);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
