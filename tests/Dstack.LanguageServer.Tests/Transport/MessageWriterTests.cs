using System.Text;
using Dstack.LanguageServer.Tests.Support;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Tests.Transport;

[Trait("Category", "Fast")]
public sealed class MessageWriterTests
{
    [Fact]
    public async Task WriteAsync_NonAsciiBody_AnnouncesItsLengthInBytes()
    {
        var output = new MemoryStream();
        using var writer = new MessageWriter(output);

        await writer.WriteAsync(Encoding.UTF8.GetBytes("{\"t\":\"é😀\"}"));

        Assert.Equal(Frames.Ascii("Content-Length: 14\r\n\r\n").Concat(Encoding.UTF8.GetBytes("{\"t\":\"é😀\"}")), output.ToArray());
    }

    [Fact]
    public async Task WriteAsync_ManyWritersAtOnce_KeepEveryFrameWhole()
    {
        var output = new YieldingStream();
        using var writer = new MessageWriter(output);
        var bodies = Enumerable.Range(0, 200).Select(i => $"{{\"n\":{i},\"pad\":\"{new string('x', i * 7 % 300)}\"}}").ToList();

        await Task.WhenAll(bodies.Select(b => Task.Run(async () => await writer.WriteAsync(Encoding.UTF8.GetBytes(b)))));

        var reader = new MessageReader(new MemoryStream(output.ToArray()));
        var read = new List<string>();
        while (await reader.ReadAsync() is { } body)
        {
            read.Add(Encoding.UTF8.GetString(body));
        }

        Assert.Equal(bodies.Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
    }

    /// <summary>A memory stream that gives up the thread inside every write, so that unsynchronised writers would interleave.</summary>
    private sealed class YieldingStream : MemoryStream
    {
        private readonly Lock _gate = new();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            lock (_gate)
            {
                Write(buffer.Span);
            }
        }
    }
}
