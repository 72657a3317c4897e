using System.Buffers.Binary;
using System.Text;
using Dstack.Runtime.Containers;

namespace Dstack.Runtime.Tests.Containers;

/// <summary>The engine's multiplexed log stream: frames, their timestamps, and the <c>since</c> a resumed reader asks for.</summary>
[Trait("Category", "Fast")]
public sealed class LogFramesTests
{
    /// <summary>One frame as the engine writes it: stream byte, three zeros, the big-endian length, the payload.</summary>
    public static byte[] Frame(int stream, string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        var frame = new byte[8 + bytes.Length];
        frame[0] = (byte)stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)bytes.Length);
        bytes.CopyTo(frame, 8);
        return frame;
    }

    [Fact]
    public async Task ReadAsync_TimestampedFrames_GivesStreamTimeAndTheMessageWithoutTheTime()
    {
        using var stream = new MemoryStream([.. Frame(1, "2026-12-04T18:50:00.123456789Z hello\n"), .. Frame(2, "2026-12-04T18:50:01.000000001Z oops: it failed\n")]);

        var first = await LogFrames.ReadAsync(stream, CancellationToken.None);
        var second = await LogFrames.ReadAsync(stream, CancellationToken.None);
        var end = await LogFrames.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(1, first!.Value.Stream);
        Assert.Equal("2026-12-04T18:50:00.123456789Z", first.Value.Timestamp);
        Assert.Equal("hello\n", Encoding.UTF8.GetString(first.Value.Payload.Span));
        Assert.Equal(2, second!.Value.Stream);
        Assert.Equal("2026-12-04T18:50:01.000000001Z", second.Value.Timestamp);
        Assert.Equal("oops: it failed\n", Encoding.UTF8.GetString(second.Value.Payload.Span));
        Assert.Null(end);
    }

    [Theory]
    [InlineData("hello world\n")]
    [InlineData("2026-12-04 18:50:00 not the engine's time\n")]
    [InlineData("")]
    public async Task ReadAsync_MessageWithoutTheEnginesTime_IsKeptWhole(string payload)
    {
        using var stream = new MemoryStream(Frame(1, payload));

        var frame = await LogFrames.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(string.Empty, frame!.Value.Timestamp);
        Assert.Equal(payload, Encoding.UTF8.GetString(frame.Value.Payload.Span));
    }

    [Fact]
    public async Task ReadAsync_FramesArrivingAByteAtATime_AreReadWhole()
    {
        using var stream = new TrickleStream([.. Frame(2, "2026-12-04T18:50:00.5Z a b c\n"), .. Frame(1, "2026-12-04T18:50:00.6Z d\n")]);

        var first = await LogFrames.ReadAsync(stream, CancellationToken.None);
        var second = await LogFrames.ReadAsync(stream, CancellationToken.None);

        Assert.Equal("a b c\n", Encoding.UTF8.GetString(first!.Value.Payload.Span));
        Assert.Equal("2026-12-04T18:50:00.6Z", second!.Value.Timestamp);
        Assert.Null(await LogFrames.ReadAsync(stream, CancellationToken.None));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(20)]
    public async Task ReadAsync_StreamEndingInsideAFrame_IsAnError(int keep)
    {
        using var stream = new MemoryStream(Frame(1, "2026-12-04T18:50:00.123456789Z hello\n")[..keep]);

        var error = await Assert.ThrowsAsync<EndOfStreamException>(() => LogFrames.ReadAsync(stream, CancellationToken.None));

        Assert.Equal("the engine's output ended inside a log frame", error.Message);
    }

    [Fact]
    public async Task ReadAsync_NotMultiplexedOutput_IsAnError()
    {
        // A terminal container's raw output read as frames: "hello wo" as a header says 1.8 GB follow.
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("hello world, no frames here\n"));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LogFrames.ReadAsync(stream, CancellationToken.None));

        Assert.Contains("not the engine's multiplexed output", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-04T18:50:00.123456789Z", "1796410200.123456789")]
    [InlineData("2026-12-04T18:50:00.5Z", "1796410200.500000000")]
    [InlineData("2026-12-04T18:50:00Z", "1796410200.000000000")]
    [InlineData("1970-01-01T00:00:01.000000001Z", "1.000000001")]
    public void Since_EngineTimestamp_IsUnixSecondsWithNanoseconds(string timestamp, string since)
    {
        Assert.Equal(since, LogFrames.Since(timestamp));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-45T99:00:00.1Z")]
    public void Since_NotATimestamp_IsNull(string timestamp)
    {
        Assert.Null(LogFrames.Since(timestamp));
    }

    /// <summary>A stream that gives one byte per read, as a slow link does.</summary>
    private sealed class TrickleStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= bytes.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = bytes[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
