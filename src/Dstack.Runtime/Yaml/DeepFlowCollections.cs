namespace Dstack.Runtime.Yaml;

/// <summary>
/// Finds flow collections (<c>[...]</c>, <c>{...}</c>) nested deeper than a limit, in one pass over the text, so that
/// their insides can be blanked before YamlDotNet reads the file. YamlDotNet's scanner checks every open flow level
/// for each token it reads, which makes <c>[[[[...]]]]</c> take time quadratic in its depth (20 s for 100,000
/// levels) although everything past the limit is skipped anyway. The search is exact inside flow collections (the
/// only place where the depth grows) and conservative outside them; <see cref="YamlTreeReader"/> checks each
/// collection found against what the parser reports and reads the original text when one does not match.
/// </summary>
internal static class DeepFlowCollections
{
    /// <summary>
    /// The outermost flow collections that start at flow depth <paramref name="limit"/> + 1: the offsets of their
    /// opening bracket and of their closing bracket (the text's length when it is never closed).
    /// </summary>
    public static List<(int Open, int Close)> Find(string text, int limit)
    {
        var found = new List<(int Open, int Close)>();
        var position = 0;
        var blockScalarIndent = -1;
        while (position < text.Length)
        {
            var lineStart = position;
            var indent = 0;
            while (position < text.Length && text[position] == ' ')
            {
                position++;
                indent++;
            }

            var lineEnd = text.IndexOf('\n', position);
            lineEnd = lineEnd < 0 ? text.Length : lineEnd;
            if (blockScalarIndent >= 0 && (indent > blockScalarIndent || text.AsSpan(position, lineEnd - position).IsWhiteSpace()))
            {
                position = lineEnd + 1;
                continue;
            }

            blockScalarIndent = -1;
            position = ScanBlockLine(text, position, lineStart, indent, limit, found, ref blockScalarIndent);
        }

        return found;
    }

    /// <summary>The text with the inside of each collection found replaced by spaces (line breaks kept), so every offset stays where it was.</summary>
    public static string Blank(string text, List<(int Open, int Close)> collections) => string.Create(text.Length, (text, collections), static (chars, state) =>
    {
        state.text.AsSpan().CopyTo(chars);
        foreach (var (open, close) in state.collections)
        {
            for (var i = open + 1; i < close; i++)
            {
                if (chars[i] is not ('\n' or '\r' or '\u0085' or '\u2028' or '\u2029'))
                {
                    chars[i] = ' ';
                }
            }
        }
    });

    /// <summary>Reads one line in block context from <paramref name="position"/>; returns where the next line starts.</summary>
    private static int ScanBlockLine(string text, int position, int lineStart, int indent, int limit, List<(int Open, int Close)> found, ref int blockScalarIndent)
    {
        var nodeStart = true;
        if (text.AsSpan(position).StartsWith("---") && IsBlankOrEnd(text, position + 3))
        {
            position += 3;
        }

        while (position < text.Length && text[position] != '\n')
        {
            var c = text[position];
            if (c is ' ' or '\t' or '\r')
            {
                position++;
            }
            else if (c == '#' && (position == lineStart || text[position - 1] is ' ' or '\t'))
            {
                return SkipToNextLine(text, position);
            }
            else if (c is ':' or '-' or '?' && IsBlankOrEnd(text, position + 1) && (nodeStart || c == ':'))
            {
                position++;
                nodeStart = true;
            }
            else if (!nodeStart)
            {
                position++;
            }
            else if (c is '[' or '{')
            {
                position = ScanFlow(text, position, limit, found);
                nodeStart = false;
            }
            else if (c is '"' or '\'')
            {
                position = SkipQuoted(text, position);
                nodeStart = false;
            }
            else if (c is '|' or '>')
            {
                blockScalarIndent = indent;
                return SkipToNextLine(text, position);
            }
            else if (c is '&' or '!')
            {
                position = SkipWord(text, position);
            }
            else
            {
                position++;
                nodeStart = false;
            }
        }

        return position + 1;
    }

    /// <summary>Reads a flow collection from its opening bracket; returns the offset after its closing bracket.</summary>
    private static int ScanFlow(string text, int position, int limit, List<(int Open, int Close)> found)
    {
        var depth = 0;
        var deepOpen = -1;
        var plain = false;
        while (position < text.Length)
        {
            var c = text[position];
            if (plain)
            {
                // A plain value in a flow collection ends at a flow indicator, at `: ` and at ` #`; quotes and line
                // breaks are part of it.
                if (c is ':' && IsBlankOrFlowEnd(text, position + 1))
                {
                    plain = false;
                    position++;
                    continue;
                }

                if (c is '#' && text[position - 1] is ' ' or '\t' or '\n' or '\r')
                {
                    plain = false;
                    position = SkipToLineEnd(text, position);
                    continue;
                }

                if (c is not (',' or '[' or ']' or '{' or '}'))
                {
                    position++;
                    continue;
                }

                plain = false;
            }

            switch (c)
            {
                case ' ' or '\t' or '\r' or '\n' or ',':
                    position++;
                    break;
                case '#':
                    position = SkipToLineEnd(text, position);
                    break;
                case '[' or '{':
                    depth++;
                    if (depth == limit + 1 && deepOpen < 0)
                    {
                        deepOpen = position;
                    }

                    position++;
                    break;
                case ']' or '}':
                    if (depth == limit + 1 && deepOpen >= 0)
                    {
                        found.Add((deepOpen, position));
                        deepOpen = -1;
                    }

                    depth--;
                    position++;
                    if (depth == 0)
                    {
                        return position;
                    }

                    break;
                case '"' or '\'':
                    position = SkipQuoted(text, position);
                    break;
                case '&' or '!' or '*':
                    position = SkipWord(text, position);
                    break;
                case ':' or '?' or '-' when IsBlankOrFlowEnd(text, position + 1):
                    position++;
                    break;
                default:
                    plain = true;
                    position++;
                    break;
            }
        }

        if (deepOpen >= 0)
        {
            found.Add((deepOpen, text.Length));
        }

        return position;
    }

    private static int SkipQuoted(string text, int position)
    {
        var quote = text[position++];
        while (position < text.Length)
        {
            var c = text[position++];
            if (quote == '"' && c == '\\')
            {
                position++;
            }
            else if (c == quote)
            {
                if (quote == '\'' && position < text.Length && text[position] == '\'')
                {
                    position++;
                    continue;
                }

                return position;
            }
        }

        return text.Length;
    }

    private static int SkipWord(string text, int position)
    {
        while (position < text.Length && text[position] is not (' ' or '\t' or '\r' or '\n' or ',' or '[' or ']' or '{' or '}'))
        {
            position++;
        }

        return position;
    }

    private static int SkipToLineEnd(string text, int position)
    {
        var end = text.IndexOf('\n', position);
        return end < 0 ? text.Length : end;
    }

    private static int SkipToNextLine(string text, int position) => SkipToLineEnd(text, position) + 1;

    private static bool IsBlankOrEnd(string text, int position) => position >= text.Length || text[position] is ' ' or '\t' or '\r' or '\n';

    private static bool IsBlankOrFlowEnd(string text, int position) => IsBlankOrEnd(text, position) || text[position] is ',' or '[' or ']' or '{' or '}';
}
