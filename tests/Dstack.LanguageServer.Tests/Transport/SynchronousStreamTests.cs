using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Tests.Transport;

/// <summary>The stdio wrapper makes its reads and writes on the caller's thread, finished when they return: no hand-off to the pool.</summary>
[Trait("Category", "Fast")]
public sealed class SynchronousStreamTests
{
    [Fact]
    public async Task ReadAsyncAndWriteAsync_RunTheBlockingCallsOnTheCallersThread_AndReturnFinished()
    {
        var inner = new ThreadRecordingStream("Content-Length: 2\r\n\r\n{}"u8.ToArray());
        using var stream = new SynchronousStream(inner);
        var buffer = new byte[64];
        var caller = Environment.CurrentManagedThreadId;

        var read = stream.ReadAsync(buffer.AsMemory());
        var write = stream.WriteAsync("{}"u8.ToArray().AsMemory());
        var flush = stream.FlushAsync();

        Assert.True(read.IsCompletedSuccessfully);
        Assert.True(write.IsCompletedSuccessfully);
        Assert.True(flush.IsCompletedSuccessfully);
        Assert.Equal(23, await read);
        Assert.Equal([caller, caller, caller], inner.Threads);
        Assert.Equal("{}"u8.ToArray(), inner.Written.ToArray());
    }

    [Fact]
    public async Task MessageReader_OverIt_ReadsAFrameWithoutYielding()
    {
        using var stream = new SynchronousStream(new ThreadRecordingStream("Content-Length: 2\r\n\r\n{}"u8.ToArray()));
        var reader = new MessageReader(stream);

        var frame = reader.ReadAsync();

        Assert.True(frame.IsCompletedSuccessfully);
        Assert.Equal("{}"u8.ToArray(), await frame);
    }

    /// <summary>A stream whose asynchronous members would hop threads (the base Stream's): it records the thread of each blocking call.</summary>
    private sealed class ThreadRecordingStream(byte[] input) : Stream
    {
        private int _position;

        public List<int> Threads { get; } = [];

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            var count = Math.Min(buffer.Length, input.Length - _position);
            input.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Written.Write(buffer);
        }

        public override void Flush() => Threads.Add(Environment.CurrentManagedThreadId);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
