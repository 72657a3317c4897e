using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// Converts between LSP positions and offsets in a text. Lines end at <c>\n</c>, <c>\r\n</c> or <c>\r</c> (as LSP
/// says); characters are UTF-16 code units, which is what a .NET string index counts, so a character outside the
/// Basic Multilingual Plane (an emoji) is two.
/// </summary>
public sealed class LineMap
{
    private readonly string _text;
    private readonly List<int> _starts = [0];

    public LineMap(string text)
    {
        _text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                _starts.Add(i + 1);
            }
        }
    }

    public int LineCount => _starts.Count;

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

        if (position.Line >= _starts.Count)
        {
            return _text.Length;
        }

        var start = _starts[position.Line];
        return start + Math.Clamp(position.Character, 0, ContentEnd(position.Line) - start);
    }

    /// <summary>The position of <paramref name="offset"/> (clamped to the text).</summary>
    public Position PositionOf(int offset)
    {
        offset = Math.Clamp(offset, 0, _text.Length);
        var index = _starts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return new Position(line, offset - _starts[line]);
    }

    /// <summary>Where the line's content ends: before its line break, or at the end of the text.</summary>
    private int ContentEnd(int line)
    {
        if (line + 1 == _starts.Count)
        {
            return _text.Length;
        }

        var end = _starts[line + 1] - 1;
        if (_text[end] == '\n' && end > _starts[line] && _text[end - 1] == '\r')
        {
            end--;
        }

        return end;
    }
}
