using System.Text;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>The line-by-line reader behind <see cref="DotEnvFile.Parse"/>; see there for the grammar.</summary>
internal sealed class DotEnvParser
{
    private readonly string _path;
    private readonly string _text;
    private readonly List<int> _lineStarts = [0];
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<Diagnostic> _diagnostics = [];

    public DotEnvParser(string path, string text)
    {
        _path = path;

        // Editors do not count a byte order mark as a column, so neither do we.
        _text = text.StartsWith('\uFEFF') ? text[1..] : text;
        for (var i = _text.IndexOf('\n'); i >= 0; i = _text.IndexOf('\n', i + 1))
        {
            _lineStarts.Add(i + 1);
        }
    }

    public DotEnvFile Parse()
    {
        var position = 0;
        while (position < _text.Length)
        {
            position = ParseLine(position);
        }

        return new DotEnvFile(_path, _values, _diagnostics);
    }

    /// <summary>Reads the entry starting on the line at <paramref name="start"/>; returns where the next line starts.</summary>
    private int ParseLine(int start)
    {
        var (contentEnd, next) = LineBounds(start);
        var i = SkipBlanks(start, contentEnd);
        if (i == contentEnd || _text[i] == '#')
        {
            return next;
        }

        // `export KEY=VALUE` is shell syntax for the same thing; a lone `export` is a key like any other word.
        if (string.CompareOrdinal(_text, i, "export", 0, 6) == 0 && i + 6 < contentEnd && IsBlank(_text[i + 6]) && SkipBlanks(i + 6, contentEnd) < contentEnd)
        {
            i = SkipBlanks(i + 6, contentEnd);
        }

        var equals = _text.IndexOf('=', i, contentEnd - i);
        if (equals < 0)
        {
            var wordEnd = i;
            while (wordEnd < contentEnd && !IsBlank(_text[wordEnd]))
            {
                wordEnd++;
            }

            var word = _text[i..wordEnd];
            return Fail(i, wordEnd, next, $"`{word}` has no `=`: write {word}=value, or {word}= for an empty value");
        }

        var name = _text[i..equals].TrimEnd(' ', '\t');
        if (name.Length == 0)
        {
            return Fail(equals, equals + 1, next, "the line has no name before `=`: write NAME=value");
        }

        if (!VariableName.IsValid(name))
        {
            return Fail(i, i + name.Length, next, $"`{name}` is not a variable name ({VariableName.Rule}): write {VariableName.Suggest(name)}");
        }

        var valueStart = SkipBlanks(equals + 1, contentEnd);
        if (valueStart == contentEnd)
        {
            _values[name] = string.Empty;
            return next;
        }

        if (_text[valueStart] is '\'' or '"')
        {
            return ParseQuoted(name, valueStart, next);
        }

        // `KEY= # note` is an empty value with a comment; `KEY=#x` is the value `#x`.
        var valueEnd = contentEnd;
        if (_text[valueStart] == '#' && valueStart > equals + 1)
        {
            valueEnd = valueStart;
        }
        else
        {
            for (var k = valueStart + 1; k < contentEnd; k++)
            {
                if (_text[k] == '#' && IsBlank(_text[k - 1]))
                {
                    valueEnd = k;
                    break;
                }
            }
        }

        _values[name] = _text[valueStart..valueEnd].TrimEnd(' ', '\t');
        return next;
    }

    private int ParseQuoted(string name, int open, int nextLine)
    {
        var quote = _text[open];
        var value = new StringBuilder();
        var k = open + 1;
        while (k < _text.Length && _text[k] != quote)
        {
            var c = _text[k];
            if (c == '\r' && k + 1 < _text.Length && _text[k + 1] == '\n')
            {
                // A value spanning lines of a CRLF file holds plain newlines.
                k++;
                continue;
            }

            if (quote == '"' && c == '\\' && k + 1 < _text.Length)
            {
                switch (_text[k + 1])
                {
                    case 'n': value.Append('\n'); break;
                    case 't': value.Append('\t'); break;
                    case 'r': value.Append('\r'); break;
                    case '"': value.Append('"'); break;
                    case '\\': value.Append('\\'); break;
                    case '$': value.Append('$'); break;
                    default: value.Append(c).Append(_text[k + 1]); break;
                }

                k += 2;
                continue;
            }

            value.Append(c);
            k++;
        }

        if (k >= _text.Length)
        {
            return Fail(open, open + 1, nextLine, $"the value of `{name}` opens a {quote} quote that is never closed: add the closing {quote} at the end of the value");
        }

        // After the closing quote only blanks and a comment may follow, on the line where the quote closed.
        var closeLineStart = _text.LastIndexOf('\n', k) + 1;
        var (contentEnd, next) = LineBounds(closeLineStart);
        var rest = SkipBlanks(k + 1, contentEnd);
        if (rest < contentEnd && _text[rest] != '#')
        {
            var restEnd = contentEnd;
            while (restEnd > rest && IsBlank(_text[restEnd - 1]))
            {
                restEnd--;
            }

            var opened = PositionOf(open).Line;
            var where = opened == PositionOf(k).Line ? string.Empty : $" (opened on line {opened})";
            return Fail(rest, restEnd, next, $"`{_text[rest..restEnd]}` follows the closing {quote} of `{name}`'s value{where}: put it inside the quotes, or start a comment with ` #`");
        }

        _values[name] = value.ToString();
        return next;
    }

    private (int ContentEnd, int Next) LineBounds(int start)
    {
        var newline = _text.IndexOf('\n', start);
        var end = newline < 0 ? _text.Length : newline;
        var contentEnd = end > start && _text[end - 1] == '\r' ? end - 1 : end;
        return (contentEnd, newline < 0 ? _text.Length : newline + 1);
    }

    private int SkipBlanks(int position, int end)
    {
        while (position < end && IsBlank(_text[position]))
        {
            position++;
        }

        return position;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    private int Fail(int start, int end, int next, string message)
    {
        var (startLine, startColumn) = PositionOf(start);
        var (endLine, endColumn) = PositionOf(end);
        var span = new SourceSpan(startLine, startColumn, endLine, endColumn, start, end);
        _diagnostics.Add(new Diagnostic(DiagnosticCodes.DotEnvSyntax, DiagnosticSeverity.Error, message, span, _path));
        return next;
    }

    private (int Line, int Column) PositionOf(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }
}
