namespace Dstack.Runtime.Yaml;

/// <summary>
/// Where each line of a text starts, with the line breaks of LSP and editors: <c>\n</c>, <c>\r\n</c> and <c>\r</c>.
/// YamlDotNet also breaks lines at NEL, LS and PS (U+0085, U+2028, U+2029), which editors show inside a line,
/// so positions are computed here from character offsets rather than taken from YamlDotNet's line counts.
/// Offsets and columns count UTF-16 code units, as a .NET string index and LSP do. The language server uses it too.
/// </summary>
public sealed class LineIndex
{
    private readonly List<int> _starts = [0];
    private readonly string _text;
    private readonly int _length;

    public LineIndex(string text)
    {
        _text = text;
        _length = text.Length;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                _starts.Add(i + 1);
            }
        }
    }

    public int LineCount => _starts.Count;

    /// <summary>The 1-based line and column of a 0-based offset (clamped to the text).</summary>
    public (int Line, int Column) Position(int offset)
    {
        offset = Math.Clamp(offset, 0, _length);
        var index = _starts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _starts[line] + 1);
    }

    /// <summary>The 0-based offset of a 1-based line and column (clamped to the text).</summary>
    public int Offset(int line, int column) =>
        line > _starts.Count ? _length : Math.Min(_length, _starts[Math.Max(1, line) - 1] + Math.Max(1, column) - 1);

    /// <summary>The 0-based offset where the line after <paramref name="line"/> starts, or the text length.</summary>
    public int NextLineStart(int line) => line < _starts.Count ? _starts[Math.Max(1, line)] : _length;

    /// <summary>The 0-based offset where the content of 1-based <paramref name="line"/> ends: before its line break, or at the end of the text.</summary>
    public int ContentEnd(int line)
    {
        line = Math.Clamp(line, 1, _starts.Count);
        if (line == _starts.Count)
        {
            return _length;
        }

        var end = _starts[line] - 1;
        if (_text[end] == '\n' && end > _starts[line - 1] && _text[end - 1] == '\r')
        {
            end--;
        }

        return end;
    }
}
