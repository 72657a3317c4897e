using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// Converts between LSP positions and offsets in a text. Lines end at <c>\n</c>, <c>\r\n</c> or <c>\r</c> (as LSP
/// says); characters are UTF-16 code units, which is what a .NET string index counts, so a character outside the
/// Basic Multilingual Plane (an emoji) is two.
/// </summary>
public sealed class LineMap(string text)
{
    private readonly LineIndex _lines = new(text);

    public int LineCount => _lines.LineCount;

    /// <summary>
    /// The offset of <paramref name="position"/>. A character past the end of its line means the end of the line
    /// (before its line break), and a line past the last means the end of the text, as LSP asks of servers.
    /// </summary>
    public int OffsetOf(Position position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= _lines.LineCount)
        {
            return text.Length;
        }

        var start = _lines.Offset(position.Line + 1, 1);
        return start + Math.Clamp(position.Character, 0, _lines.ContentEnd(position.Line + 1) - start);
    }

    /// <summary>The position of <paramref name="offset"/> (clamped to the text).</summary>
    public Position PositionOf(int offset)
    {
        var (line, column) = _lines.Position(offset);
        return new Position(line - 1, column - 1);
    }
}
