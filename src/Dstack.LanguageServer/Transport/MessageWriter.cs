using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dstack.LanguageServer.Transport;

/// <summary>
/// Writes LSP base-protocol frames to a stream. Responses and notifications are written from several tasks at
/// once; a lock keeps each frame whole, header and body, and each frame is flushed at once so the client sees it.
/// </summary>
public sealed class MessageWriter(Stream output) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Writes one frame: the header, then <paramref name="body"/> (UTF-8 JSON). Cancellation stops only the wait for the lock.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> body, CancellationToken cancellation = default) =>
        WriteAsync(body, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, cancellation);

    /// <summary>Writes one frame whose body is <paramref name="first"/>, <paramref name="second"/> and <paramref name="third"/> one after the other.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second, ReadOnlyMemory<byte> third, CancellationToken cancellation = default)
    {
        // Header and body go out in one write: one system call, and the client reads the frame whole.
        var length = first.Length + second.Length + third.Length;
        var header = string.Create(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n\r\n");
        var frame = ArrayPool<byte>.Shared.Rent(header.Length + length);
        try
        {
            var written = Encoding.ASCII.GetBytes(header, frame);
            first.Span.CopyTo(frame.AsSpan(written));
            second.Span.CopyTo(frame.AsSpan(written += first.Length));
            third.Span.CopyTo(frame.AsSpan(written += second.Length));
            written += third.Length;

            await _lock.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                // Once started, a frame is finished whatever happens to the caller: half a frame would corrupt the stream.
                await output.WriteAsync(frame.AsMemory(0, written), CancellationToken.None).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public void Dispose() => _lock.Dispose();
}
