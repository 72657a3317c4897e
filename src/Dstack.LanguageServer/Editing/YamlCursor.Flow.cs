namespace Dstack.LanguageServer.Editing;

/// <summary>The cursor inside a flow collection written on one line: <c>backends: [local, ‸]</c> or <c>gpu: {name: A100, ‸}</c>.</summary>
public static partial class YamlCursor
{
    private static CursorContext InFlow(string text, int lineIndex, int open, int column, List<PathSegment> path, int keyColumn)
    {
        // Find the innermost open bracket before the cursor and where the current element starts.
        var stack = new Stack<(char Bracket, int Position)>();
        var elementStart = open + 1;
        var quote = '\0';
        for (var i = open; i < column; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '[' or '{':
                    if (stack.Count > 0)
                    {
                        // Entering a nested collection: its path is the key or item that holds it.
                        path.Add(stack.Peek().Bracket == '[' ? PathSegment.Item : PathSegment.Of(FlowKey(text, elementStart, i) ?? string.Empty));
                    }

                    stack.Push((c, i));
                    elementStart = i + 1;
                    break;
                case ']' or '}':
                    if (stack.Count > 1)
                    {
                        stack.Pop();
                        path.RemoveAt(path.Count - 1);
                    }

                    break;
                case ',':
                    elementStart = i + 1;
                    break;
            }
        }

        var bracket = stack.Count > 0 ? stack.Peek() : (Bracket: '[', Position: open);
        var end = ElementEnd(text, column);
        var start = SkipSpaces(text, elementStart, column);
        if (bracket.Bracket == '[')
        {
            path.Add(PathSegment.Item);
            return new CursorContext(path, CursorPlace.Value, text[start..column], lineIndex, start, end, keyColumn, EmptySet, AfterDash: false, InFlow: true, HasColon: false)
            {
                SiblingItems = FlowItems(text, bracket.Position, start),
            };
        }

        var siblings = FlowKeys(text, bracket.Position, start);
        var colon = text.IndexOf(':', start, column - start);
        if (colon >= 0)
        {
            path.Add(PathSegment.Of(text[start..colon].Trim().Trim('"', '\'')));
            var valueStart = SkipSpaces(text, colon + 1, column);
            return new CursorContext(path, CursorPlace.Value, text[valueStart..column], lineIndex, valueStart, end, keyColumn, EmptySet, AfterDash: false, InFlow: true, HasColon: true);
        }

        var keyEnd = text.IndexOf(':', column) is var c2 && c2 >= 0 && c2 < end ? c2 : end;
        return new CursorContext(path, CursorPlace.Key, text[start..column], lineIndex, start, Math.Max(keyEnd, column), start, siblings, AfterDash: false, InFlow: true, HasColon: keyEnd < end);
    }

    private static int SkipSpaces(string text, int start, int limit)
    {
        while (start < limit && text[start] is ' ' or '\t')
        {
            start++;
        }

        return start;
    }

    /// <summary>Where the element at the cursor ends: the next <c>,</c>, <c>]</c> or <c>}</c>, trailing spaces left out.</summary>
    private static int ElementEnd(string text, int column)
    {
        var end = column;
        while (end < text.Length && text[end] is not (',' or ']' or '}' or '#'))
        {
            end++;
        }

        while (end > column && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return end;
    }

    private static string? FlowKey(string text, int start, int end)
    {
        var colon = text.IndexOf(':', start, end - start);
        return colon < 0 ? null : text[start..colon].Trim().Trim('"', '\'');
    }

    /// <summary>The scalar elements of the flow list opened at <paramref name="open"/>, unquoted, the element at <paramref name="exclude"/> left out.</summary>
    private static HashSet<string> FlowItems(string text, int open, int exclude)
    {
        var items = new HashSet<string>(StringComparer.Ordinal);
        var depth = 0;
        var elementStart = SkipSpaces(text, open + 1, text.Length);
        var quote = '\0';
        for (var i = open; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ']';
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c is '[' or '{')
            {
                depth++;
            }
            else if ((c == ',' && depth == 1) || (c is ']' or '}' && depth == 1) || c == '#')
            {
                if (elementStart != exclude && YamlCursor.Unquote(text[elementStart..Math.Max(elementStart, i)]) is { Length: > 0 } item && item.IndexOfAny(['[', '{']) < 0)
                {
                    items.Add(item);
                }

                if (c != ',')
                {
                    break;
                }

                elementStart = SkipSpaces(text, i + 1, text.Length);
            }
            else if (c is ']' or '}')
            {
                depth--;
            }
        }

        return items;
    }

    /// <summary>The keys of the flow mapping opened at <paramref name="open"/>, the element at <paramref name="exclude"/> left out.</summary>
    private static HashSet<string> FlowKeys(string text, int open, int exclude)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var depth = 0;
        var elementStart = SkipSpaces(text, open + 1, text.Length);
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '[' or '{')
            {
                depth++;
                continue;
            }

            var closes = c is ']' or '}';
            if ((c == ',' && depth == 1) || (closes && depth == 1))
            {
                if (elementStart != exclude && FlowKey(text, elementStart, i) is { Length: > 0 } key)
                {
                    keys.Add(key);
                }

                elementStart = SkipSpaces(text, i + 1, text.Length);
            }

            if (closes && --depth == 0)
            {
                break;
            }
        }

        if (depth > 0 && elementStart != exclude && elementStart < text.Length && FlowKey(text, elementStart, text.Length) is { Length: > 0 } last)
        {
            keys.Add(last);
        }

        return keys;
    }
}
