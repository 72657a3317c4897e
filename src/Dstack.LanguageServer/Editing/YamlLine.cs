namespace Dstack.LanguageServer.Editing;

/// <summary>
/// One line of block YAML, cut into what the cursor analysis needs: its indentation, the columns of its list dashes,
/// and its <c>key:</c> with the value after it. Read leniently: a half-written line still gives what it can.
/// </summary>
public sealed record YamlLine
{
    private YamlLine(string text)
    {
        Text = text;
    }

    public string Text { get; }

    /// <summary>Blank, or only a comment.</summary>
    public bool IsEmpty { get; private init; }

    /// <summary>The columns of the <c>-</c> markers that open list items on this line, left to right.</summary>
    public IReadOnlyList<int> Dashes { get; private init; } = [];

    /// <summary>The column where the content after indentation and dashes starts.</summary>
    public int ContentColumn { get; private init; }

    /// <summary>The key, unquoted, when the content is <c>key:</c> or <c>key: value</c>; else null.</summary>
    public string? Key { get; private init; }

    /// <summary>The column of the colon after <see cref="Key"/>, or -1.</summary>
    public int ColonColumn { get; private init; } = -1;

    /// <summary>The column where the value after <c>key: </c> starts (the line's content end when there is none).</summary>
    public int ValueColumn { get; private init; }

    /// <summary>The column just past the content, comments and trailing spaces left out.</summary>
    public int ContentEnd { get; private init; }

    /// <summary>The value written after the key on this line (empty for a block parent such as <c>resources:</c>).</summary>
    public string Value => Key is null ? string.Empty : Text[ValueColumn..Math.Max(ValueColumn, ContentEnd)];

    /// <summary>The column of the leftmost element: the first dash, else the content.</summary>
    public int FirstColumn => Dashes.Count > 0 ? Dashes[0] : ContentColumn;

    public static YamlLine Parse(string text)
    {
        var position = 0;
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }

        var dashes = new List<int>();
        while (position < text.Length && text[position] == '-' && (position + 1 == text.Length || text[position + 1] is ' ' or '\t'))
        {
            dashes.Add(position);
            position++;
            while (position < text.Length && text[position] is ' ' or '\t')
            {
                position++;
            }
        }

        var contentEnd = ContentEndOf(text, position);
        var empty = dashes.Count == 0 && contentEnd == position;
        var (key, colon) = KeyOf(text, position, contentEnd);
        var valueColumn = contentEnd;
        if (colon >= 0)
        {
            valueColumn = colon + 1;
            while (valueColumn < contentEnd && text[valueColumn] is ' ' or '\t')
            {
                valueColumn++;
            }
        }

        return new YamlLine(text)
        {
            IsEmpty = empty,
            Dashes = dashes,
            ContentColumn = position,
            Key = key,
            ColonColumn = colon,
            ValueColumn = valueColumn,
            ContentEnd = contentEnd,
        };
    }

    /// <summary>The end of the content: before a comment (<c> #</c> outside quotes) and trailing spaces.</summary>
    private static int ContentEndOf(string text, int start)
    {
        var end = text.Length;
        var quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'' && (i == start || text[i - 1] is ' ' or '[' or '{' or ',' or ':'))
            {
                quote = c;
            }
            else if (c == '#' && (i == start || text[i - 1] is ' ' or '\t'))
            {
                end = i;
                break;
            }
        }

        while (end > start && text[end - 1] is ' ' or '\t' or '\r')
        {
            end--;
        }

        return end;
    }

    /// <summary>A block mapping key: plain or quoted text followed by <c>:</c> and a space or the end of the content.</summary>
    private static (string? Key, int Colon) KeyOf(string text, int start, int end)
    {
        if (start >= end || text[start] is '[' or '{' or '#' or '|' or '>' or '&' or '*' or '!')
        {
            return (null, -1);
        }

        if (text[start] is '"' or '\'')
        {
            var close = text.IndexOf(text[start], start + 1);
            if (close < 0 || close + 1 >= end || text[close + 1] != ':' || (close + 2 < end && text[close + 2] is not (' ' or '\t')))
            {
                return (null, -1);
            }

            return (text[(start + 1)..close], close + 1);
        }

        for (var i = start; i < end; i++)
        {
            if (text[i] == ':' && (i + 1 == end || text[i + 1] is ' ' or '\t'))
            {
                return (text[start..i].TrimEnd(), i);
            }
        }

        return (null, -1);
    }
}
