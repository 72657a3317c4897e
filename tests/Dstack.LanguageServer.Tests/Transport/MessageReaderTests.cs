using System.Text;
using Dstack.LanguageServer.Tests.Support;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Tests.Transport;

[Trait("Category", "Fast")]
public sealed class MessageReaderTests
{
    private const string First = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""";
    private const string Second = """{"jsonrpc":"2.0","method":"initialized","params":{}}""";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(25)]
    [InlineData(100_000)]
    public async Task ReadAsync_AnySplitOfTheInput_YieldsTheSameMessages(int chunk)
    {
        var stream = new ChunkedStream(Frames.Concat(Frames.Of(First), Frames.Of(Second), Frames.Of(First)), chunk);
        var reader = new MessageReader(stream);

        Assert.Equal(First, await ReadText(reader));
        Assert.Equal(Second, await ReadText(reader));
        Assert.Equal(First, await ReadText(reader));
        Assert.Null(await reader.ReadAsync());
    }

    [Fact]
    public async Task ReadAsync_SeveralMessagesInOneRead_ReturnsThemOneByOne()
    {
        var stream = new ChunkedStream(Frames.Concat(Frames.Of(First), Frames.Of(Second)), chunk: int.MaxValue);
        var reader = new MessageReader(stream);

        Assert.Equal(First, await ReadText(reader));
        Assert.Equal(Second, await ReadText(reader));
        Assert.Equal(1, stream.Reads);
    }

    [Theory]
    [InlineData("Content-Length: {0}\r\n\r\n")]
    [InlineData("content-length: {0}\r\n\r\n")]
    [InlineData("CONTENT-LENGTH:{0}\r\n\r\n")]
    [InlineData("Content-Length: {0}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")]
    [InlineData("Content-Type: application/vscode-jsonrpc; charset=utf8\r\nContent-Length: {0}\r\n\r\n")]
    [InlineData("content-type: application/vscode-jsonrpc; CHARSET=\"UTF-8\"\r\ncontent-length: {0}\r\n\r\n")]
    [InlineData("Content-Length: {0}\r\nX-Unknown: ignored\r\n\r\n")]
    [InlineData("Content-Length: {0}\n\n")]
    public async Task ReadAsync_HeaderVariants_AreAccepted(string header)
    {
        var body = Encoding.UTF8.GetBytes(First);
        var reader = new MessageReader(new MemoryStream([.. Frames.Ascii(string.Format(System.Globalization.CultureInfo.InvariantCulture, header, body.Length)), .. body]));

        Assert.Equal(First, await ReadText(reader));
    }

    [Fact]
    public async Task ReadAsync_NonAsciiBody_CountsBytesNotCharacters()
    {
        var json = """{"jsonrpc":"2.0","method":"m","params":{"text":"é 😀 日本"}}""";
        var reader = new MessageReader(new ChunkedStream(Frames.Concat(Frames.Of(json), Frames.Of(Second)), chunk: 3));

        Assert.Equal(json, await ReadText(reader));
        Assert.Equal(Second, await ReadText(reader));
    }

    [Fact]
    public async Task ReadAsync_EmptyInput_ReturnsNull()
    {
        Assert.Null(await new MessageReader(new MemoryStream()).ReadAsync());
    }

    [Theory]
    [InlineData("Content-Length: abc\r\n\r\n{}", "is not a number")]
    [InlineData("Content-Length: -1\r\n\r\n{}", "is not a number")]
    [InlineData("Content-Length: 1.5\r\n\r\n{}", "is not a number")]
    [InlineData("Content-Length:\r\n\r\n{}", "is not a number")]
    [InlineData("Content-Length: 99999999999999999999\r\n\r\n{}", "is not a number")]
    [InlineData("Content-Type: application/vscode-jsonrpc\r\n\r\n{}", "no Content-Length")]
    [InlineData("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", "given twice")]
    [InlineData("hello world\r\n\r\n{}", "is not 'Name: value'")]
    [InlineData(": 2\r\n\r\n{}", "is not 'Name: value'")]
    [InlineData("{\"jsonrpc\":\"2.0\"}\r\n\r\n", "no Content-Length")]
    [InlineData("Content-Length: 2\r\nX: caf\u00e9\r\n\r\n{}", "ASCII")]
    [InlineData("Content-Length: 2\r\n", "ended inside a message header")]
    public async Task ReadAsync_MalformedHeader_IsAFatalError(string input, string reason)
    {
        var reader = new MessageReader(new MemoryStream(Encoding.UTF8.GetBytes(input)));

        var error = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync());

        Assert.False(error.CanContinue);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BodyShorterThanAnnounced_SaysHowMuchArrived()
    {
        var reader = new MessageReader(new MemoryStream(Frames.Ascii("Content-Length: 10\r\n\r\n12345")));

        var error = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync());

        Assert.False(error.CanContinue);
        Assert.Equal("the input ended after 5 of the 10 bytes that Content-Length announced", error.Message);
    }

    [Fact]
    public async Task ReadAsync_EndlessGarbage_FailsAfterTheHeaderLimitInsteadOfHanging()
    {
        var garbage = new EndlessStream((byte)'x');
        var reader = new MessageReader(garbage);

        var error = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync()).WaitAsync(Bounded.Limit);

        Assert.False(error.CanContinue);
        Assert.Contains($"no blank line within {MessageReader.MaxHeaderBytes} bytes", error.Message, StringComparison.Ordinal);
        Assert.True(garbage.BytesRead < 64 * 1024, $"read {garbage.BytesRead} bytes of garbage");
    }

    [Fact]
    public async Task ReadAsync_OversizedMessage_IsSkippedAndTheNextOneRead()
    {
        var big = "{\"padding\":\"" + new string('a', 500) + "\"}";
        var stream = new ChunkedStream(Frames.Concat(Frames.Of(big), Frames.Of(Second)), chunk: 64);
        var reader = new MessageReader(stream, maxMessageBytes: 100);

        var error = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync());

        Assert.True(error.CanContinue);
        Assert.Contains($"{big.Length} bytes exceeds the limit of 100 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(Second, await ReadText(reader));
    }

    [Fact]
    public async Task ReadAsync_HugeAnnouncedLength_DoesNotAllocateIt()
    {
        var reader = new MessageReader(new MemoryStream(Frames.Ascii("Content-Length: 999999999999\r\n\r\n{}")));

        var error = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync());

        // Skipping reads what there is, then finds the input too short: no 1 TB buffer was asked for.
        Assert.False(error.CanContinue);
        Assert.Contains("ended after 2 of the 999999999999 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_OtherCharset_IsSkippedAndTheNextOneRead()
    {
        var latin1 = Frames.Concat(Frames.Ascii("Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=iso-8859-1\r\n\r\n{}"), Frames.Of(Second));
        var reader = new MessageReader(new MemoryStream(latin1));

        var error = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync());

        Assert.True(error.CanContinue);
        Assert.Contains("'iso-8859-1' is not supported", error.Message, StringComparison.Ordinal);
        Assert.Equal(Second, await ReadText(reader));
    }

    private static async Task<string> ReadText(MessageReader reader)
    {
        var body = await reader.ReadAsync();
        Assert.NotNull(body);
        return Encoding.UTF8.GetString(body);
    }
}
