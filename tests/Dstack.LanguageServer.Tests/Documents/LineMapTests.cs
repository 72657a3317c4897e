using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Documents;

[Trait("Category", "Fast")]
public sealed class LineMapTests
{
    [Theory]
    [InlineData("a\nb", 2)]
    [InlineData("a\r\nb", 2)]
    [InlineData("a\rb", 2)]
    [InlineData("a\n", 2)]
    [InlineData("", 1)]
    [InlineData("a\n\r\n\rb", 4)]
    [InlineData("a\u2028b\u0085c", 1)]
    public void LineCount_CountsLspLineBreaksOnly(string text, int lines)
    {
        Assert.Equal(lines, new LineMap(text).LineCount);
    }

    [Theory]
    [InlineData("ab\r\ncd", 1, 1, 5)]
    [InlineData("ab\r\ncd", 0, 2, 2)]
    [InlineData("ab\r\ncd", 0, 99, 2)]
    [InlineData("ab\ncd", 0, 3, 2)]
    [InlineData("ab\rcd", 0, 3, 2)]
    [InlineData("ab\ncd", 1, 99, 5)]
    [InlineData("ab\ncd", 7, 0, 5)]
    [InlineData("ab\ncd", 0, -3, 0)]
    public void OffsetOf_ClampsToTheLineAsLspSays(string text, int line, int character, int offset)
    {
        Assert.Equal(offset, new LineMap(text).OffsetOf(new Position(line, character)));
    }

    [Fact]
    public void OffsetOf_CountsUtf16CodeUnits()
    {
        // 😀 is one character to a person, one code point, and two UTF-16 code units; LSP counts code units.
        var text = "x: 😀é\ny: 日本";
        var map = new LineMap(text);

        Assert.Equal(text.IndexOf('é', StringComparison.Ordinal), map.OffsetOf(new Position(0, 5)));
        Assert.Equal(text.IndexOf('本', StringComparison.Ordinal), map.OffsetOf(new Position(1, 4)));
        Assert.Equal(new Position(0, 6), map.PositionOf(text.IndexOf('\n', StringComparison.Ordinal)));
    }

    [Fact]
    public void PositionOf_IsTheInverseOfOffsetOf_ForEveryOffset()
    {
        var text = "type: task\r\nname: \"😀\"\n\rcommands:\n  - echo é\r";
        var map = new LineMap(text);

        for (var offset = 0; offset <= text.Length; offset++)
        {
            var position = map.PositionOf(offset);
            var insideCrLf = offset > 0 && text[offset - 1] == '\r' && offset < text.Length && text[offset] == '\n';
            if (!insideCrLf)
            {
                Assert.Equal(offset, map.OffsetOf(position));
            }
        }
    }
}
