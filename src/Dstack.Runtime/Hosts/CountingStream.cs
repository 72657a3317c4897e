namespace Dstack.Runtime.Hosts;

/// <summary>A read-only stream over another that reports the bytes read so far, at most once a second (and at the end).</summary>
internal sealed class CountingStream(Stream inner, Action<long> report) : Stream
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _read;
    private TimeSpan _reported = TimeSpan.Zero;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (read == 0 || _clock.Elapsed - _reported >= Interval)
        {
            _reported = _clock.Elapsed;
            report(_read);
        }

        return read;
    }
}
