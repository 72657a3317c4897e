using System.Text;

namespace Dstack.Runtime.Services;

internal enum ChatTokenKind
{
    Text,
    BlockStart,
    BlockEnd,
    OutputStart,
    OutputEnd,
    Name,
    String,
    Number,
    Operator,
    End,
}

internal readonly record struct ChatToken(ChatTokenKind Kind, string Value, int Line, int Column)
{
    public bool Is(ChatTokenKind kind, string value) => Kind == kind && Value == value;

    public string Describe() => Kind switch
    {
        ChatTokenKind.End => "the end of the template",
        ChatTokenKind.Text => "text",
        ChatTokenKind.String => $"the string '{Value}'",
        _ => $"`{Value}`",
    };
}

/// <summary>
/// Splits a chat template into text and tag tokens the way HuggingFace's Jinja environment does: <c>{%- -%}</c> and
/// <c>{{- -}}</c> strip whitespace on their side, comments <c>{# #}</c> vanish, and (trim_blocks, lstrip_blocks) a block
/// tag's own line indent and the newline after it are not output.
/// </summary>
internal sealed class ChatTemplateLexer
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "(", ")", "[", "]", ",", ".", ":", "|", "+", "-", "*", "/", "%", "~", "<", ">", "="];
    private readonly string _source;
    private readonly List<int> _lineStarts = [0];
    private readonly List<ChatToken> _tokens = [];
    private int _pos;

    private ChatTemplateLexer(string source)
    {
        _source = source;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public static List<ChatToken> Tokenize(string source)
    {
        var lexer = new ChatTemplateLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var stripNextText = false;
        while (_pos < _source.Length)
        {
            var open = NextTagStart(_pos);
            var text = _source[_pos..(open < 0 ? _source.Length : open)];
            var textStart = _pos;
            if (stripNextText)
            {
                text = text.TrimStart();
            }

            if (open < 0)
            {
                AddText(text, textStart);
                break;
            }

            var kind = _source[open + 1];
            var minus = open + 2 < _source.Length && _source[open + 2] == '-';
            if (minus)
            {
                text = text.TrimEnd();
            }
            else if (kind is '%' or '#')
            {
                text = StripLineIndent(text);
            }

            AddText(text, textStart);
            _pos = open + (minus ? 3 : 2);
            if (kind == '#')
            {
                var close = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Error("expected `#}` to close the comment", open);
                }

                stripNextText = close > 0 && _source[close - 1] == '-';
                _pos = close + 2;
                SkipNewlineAfterBlock(stripNextText);
                continue;
            }

            _tokens.Add(At(kind == '%' ? ChatTokenKind.BlockStart : ChatTokenKind.OutputStart, kind == '%' ? "{%" : "{{", open));
            stripNextText = LexTag(kind == '%' ? '%' : '}', open);
            if (kind == '%')
            {
                SkipNewlineAfterBlock(stripNextText);
            }
        }

        _tokens.Add(At(ChatTokenKind.End, string.Empty, _source.Length));
    }

    /// <summary>Reads a tag's expression tokens up to its closing <c>%}</c> or <c>}}</c>; true when it was <c>-%}</c>.</summary>
    private bool LexTag(char closer, int open)
    {
        while (true)
        {
            while (_pos < _source.Length && char.IsWhiteSpace(_source[_pos]))
            {
                _pos++;
            }

            if (_pos >= _source.Length)
            {
                throw Error($"expected `{closer}}}` to close the tag opened here", open);
            }

            var start = _pos;
            var c = _source[_pos];
            if (c == '-' && At(_pos + 1, closer) && At(_pos + 2, '}'))
            {
                _tokens.Add(At(closer == '%' ? ChatTokenKind.BlockEnd : ChatTokenKind.OutputEnd, closer + "}", start));
                _pos += 3;
                return true;
            }

            if (c == closer && At(_pos + 1, '}'))
            {
                _tokens.Add(At(closer == '%' ? ChatTokenKind.BlockEnd : ChatTokenKind.OutputEnd, closer + "}", start));
                _pos += 2;
                return false;
            }

            if (c is '\'' or '"')
            {
                _tokens.Add(At(ChatTokenKind.String, ReadString(c), start));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (_pos < _source.Length && char.IsAsciiDigit(_source[_pos]))
                {
                    _pos++;
                }

                _tokens.Add(At(ChatTokenKind.Number, _source[start.._pos], start));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (_pos < _source.Length && (char.IsAsciiLetterOrDigit(_source[_pos]) || _source[_pos] == '_'))
                {
                    _pos++;
                }

                _tokens.Add(At(ChatTokenKind.Name, _source[start.._pos], start));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_source, _pos, o, 0, o.Length) == 0)
                    ?? throw Error($"unexpected character `{c}` in a tag", start);
                _pos += op.Length;
                _tokens.Add(At(ChatTokenKind.Operator, op, start));
            }
        }
    }

    private string ReadString(char quote)
    {
        var start = _pos++;
        var value = new StringBuilder();
        while (_pos < _source.Length && _source[_pos] != quote)
        {
            var c = _source[_pos++];
            if (c == '\\' && _pos < _source.Length)
            {
                var e = _source[_pos++];
                value.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
            }
            else
            {
                value.Append(c);
            }
        }

        if (_pos >= _source.Length)
        {
            throw Error($"expected `{quote}` to end the string that starts here", start);
        }

        _pos++;
        return value.ToString();
    }

    private int NextTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '%' or '{' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>lstrip_blocks: spaces and tabs between a line's start and a block tag are not output.</summary>
    private static string StripLineIndent(string text)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return end == 0 || text[end - 1] == '\n' ? text[..end] : text;
    }

    /// <summary>trim_blocks: the first newline after a block tag is not output.</summary>
    private void SkipNewlineAfterBlock(bool alreadyStripped)
    {
        if (alreadyStripped)
        {
            return;
        }

        if (At(_pos, '\r') && At(_pos + 1, '\n'))
        {
            _pos += 2;
        }
        else if (At(_pos, '\n'))
        {
            _pos++;
        }
    }

    private void AddText(string text, int position)
    {
        if (text.Length > 0)
        {
            _tokens.Add(At(ChatTokenKind.Text, text, position));
        }
    }

    private bool At(int index, char c) => index < _source.Length && _source[index] == c;

    private ChatToken At(ChatTokenKind kind, string value, int position)
    {
        var (line, column) = Place(position);
        return new ChatToken(kind, value, line, column);
    }

    private (int Line, int Column) Place(int position)
    {
        var line = _lineStarts.BinarySearch(position);
        line = line >= 0 ? line : ~line - 1;
        return (line + 1, position - _lineStarts[line] + 1);
    }

    private ChatTemplateException Error(string message, int position)
    {
        var (line, column) = Place(position);
        return new ChatTemplateException(message, line, column);
    }
}
