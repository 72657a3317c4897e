namespace Dstack.LanguageServer.Editing;

/// <summary>
/// Reads the <see cref="CursorContext"/> at a position from the text alone, by indentation, the way a person reads
/// block YAML: the lines above with less indentation are the parents, the lines at the same indentation are the
/// siblings. It needs no parse, so it works on the broken, half-typed text an editor has while the user types.
/// </summary>
public static partial class YamlCursor
{
    /// <summary>The context at 0-based <paramref name="line"/> and <paramref name="character"/> (UTF-16) of <paramref name="text"/>.</summary>
    public static CursorContext At(string text, int line, int character) => At(SplitLines(text), line, character);

    /// <summary>The context at 0-based <paramref name="line"/> and <paramref name="character"/> of a text split by <see cref="SplitLines"/>.</summary>
    public static CursorContext At(string[] lines, int line, int character)
    {
        var lineIndex = Math.Clamp(line, 0, lines.Length - 1);
        var current = YamlLine.Parse(lines[lineIndex]);
        var column = Math.Clamp(character, 0, current.Text.Length);
        var dashes = current.Dashes.Where(d => d < column).ToList();

        if (current.IsEmpty || (dashes.Count == 0 && column < current.ContentColumn))
        {
            // A blank line (or the indentation before a key): a new key at the cursor's column.
            var parents = Ancestors(lines, lineIndex, column, currentIsItem: false);
            return new CursorContext(parents, CursorPlace.Key, string.Empty, lineIndex, column, column, column,
                SiblingKeys(lines, lineIndex, column, startsItem: false), AfterDash: false, InFlow: false, HasColon: false);
        }

        var path = new List<PathSegment>(Ancestors(lines, lineIndex, dashes.Count > 0 ? dashes[0] : current.ContentColumn, currentIsItem: dashes.Count > 0));
        path.AddRange(dashes.Select(_ => PathSegment.Item));
        var keyColumn = current.ContentColumn;
        if (column < keyColumn)
        {
            // Among the dashes, or in the spaces between the last one and the content: nothing is typed at the cursor.
            return new CursorContext(path, CursorPlace.Key, string.Empty, lineIndex, column, column, column, EmptySet,
                AfterDash: dashes.Count > 0, InFlow: false, HasColon: false);
        }

        if (current.Key is { } key && column > current.ColonColumn)
        {
            path.Add(PathSegment.Of(key));
            var start = Math.Min(current.ValueColumn, column);
            while (start < column && current.Text[start] is ' ' or '\t')
            {
                start++;
            }

            if (start < column && current.Text[start] is '[' or '{')
            {
                return InFlow(current.Text, lineIndex, start, column, path, keyColumn);
            }

            return new CursorContext(path, CursorPlace.Value, current.Text[start..column], lineIndex, start, Math.Max(column, current.ContentEnd), keyColumn,
                EmptySet, AfterDash: dashes.Count > 0, InFlow: false, HasColon: true);
        }

        var hasColon = current.ColonColumn >= 0;
        var end = hasColon ? current.ColonColumn : Math.Max(column, current.ContentEnd);
        var startsItem = dashes.Count > 0;
        var siblings = SiblingKeys(lines, lineIndex, keyColumn, startsItem);
        return new CursorContext(path, CursorPlace.Key, current.Text[keyColumn..column], lineIndex, keyColumn, Math.Max(end, column), keyColumn,
            siblings, AfterDash: startsItem, InFlow: false, HasColon: hasColon)
        {
            SiblingItems = startsItem && !hasColon ? SiblingItemsOf(lines, lineIndex, dashes[^1]) : NoKeys,
        };
    }

    /// <summary>Lines as LSP counts them: split at <c>\r\n</c>, <c>\n</c> or <c>\r</c>.</summary>
    public static string[] SplitLines(string text) => text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);

    /// <summary>An empty set of keys or items.</summary>
    internal static IReadOnlySet<string> NoKeys { get; } = new HashSet<string>();

    private static IReadOnlySet<string> EmptySet => NoKeys;

    /// <summary>
    /// The keys and list items that hold an element starting at <paramref name="target"/> on line <paramref name="lineIndex"/>,
    /// from the top down. <paramref name="currentIsItem"/>: that element is a <c>- </c> item, which may sit at the same
    /// indentation as its parent key (<c>commands:</c> then <c>- echo</c> below it).
    /// </summary>
    private static IReadOnlyList<PathSegment> Ancestors(string[] lines, int lineIndex, int target, bool currentIsItem)
    {
        var bottomUp = new List<PathSegment>();
        for (var k = lineIndex - 1; k >= 0 && (target > 0 || currentIsItem); k--)
        {
            if (IsDeeperOrEmpty(lines[k], target))
            {
                continue;
            }

            var line = YamlLine.Parse(lines[k]);
            if (line.IsEmpty)
            {
                continue;
            }

            if (currentIsItem && line.Dashes.Count == 0 && line.Key is { } listKey && line.ContentColumn == target && line.Value.Length == 0)
            {
                // A list written at its key's indentation.
                bottomUp.Add(PathSegment.Of(listKey));
                currentIsItem = false;
                continue;
            }

            if (line.FirstColumn >= target)
            {
                continue;
            }

            var added = false;
            if (line.Key is { } key && line.ContentColumn < target)
            {
                bottomUp.Add(PathSegment.Of(key));
                added = true;
                currentIsItem = false;
            }

            for (var d = line.Dashes.Count - 1; d >= 0; d--)
            {
                if (line.Dashes[d] < target)
                {
                    bottomUp.Add(PathSegment.Item);
                    added = true;
                    currentIsItem = true;
                }
            }

            if (added)
            {
                target = line.FirstColumn;
            }
        }

        bottomUp.Reverse();
        return bottomUp;
    }

    /// <summary>
    /// The scalar items of the block list whose dashes are at <paramref name="dashColumn"/> around <paramref name="lineIndex"/>,
    /// the line's own item excluded: <c>- aws</c> gives <c>aws</c>; items that are mappings or nested lists give nothing.
    /// </summary>
    private static HashSet<string> SiblingItemsOf(string[] lines, int lineIndex, int dashColumn)
    {
        var items = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in (ReadOnlySpan<int>)[-1, 1])
        {
            for (var k = lineIndex + step; k >= 0 && k < lines.Length; k += step)
            {
                if (IsDeeperOrEmpty(lines[k], dashColumn))
                {
                    continue;
                }

                var line = YamlLine.Parse(lines[k]);
                if (line.IsEmpty || line.FirstColumn > dashColumn)
                {
                    continue;
                }

                if (line.FirstColumn < dashColumn || line.Dashes.Count == 0)
                {
                    break;
                }

                if (line.Dashes.Count == 1 && line.Key is null && line.ContentEnd > line.ContentColumn)
                {
                    items.Add(Unquote(line.Text[line.ContentColumn..line.ContentEnd]));
                }
            }
        }

        return items;
    }

    /// <summary>
    /// Whether a line can be passed over without parsing it when looking for elements at <paramref name="column"/>:
    /// it is blank, only a comment, or indented deeper (what belongs to a deeper element is never a parent or sibling).
    /// </summary>
    private static bool IsDeeperOrEmpty(string line, int column)
    {
        var indent = 0;
        while (indent < line.Length && line[indent] == ' ')
        {
            indent++;
        }

        return indent > column || indent == line.Length || line[indent] == '#' || line.AsSpan(indent).TrimStart(" \t\r").IsEmpty;
    }

    internal static string Unquote(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length >= 2 && trimmed[0] is '"' or '\'' && trimmed[^1] == trimmed[0] ? trimmed[1..^1] : trimmed;
    }

    /// <summary>
    /// The keys of the mapping whose keys start at <paramref name="keyColumn"/> around <paramref name="lineIndex"/>, the
    /// line's own key excluded. <paramref name="startsItem"/>: the line opens a list item, so the mapping starts there.
    /// </summary>
    private static IReadOnlySet<string> SiblingKeys(string[] lines, int lineIndex, int keyColumn, bool startsItem)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!startsItem)
        {
            for (var k = lineIndex - 1; k >= 0; k--)
            {
                if (IsDeeperOrEmpty(lines[k], keyColumn))
                {
                    continue;
                }

                var line = YamlLine.Parse(lines[k]);
                // Deeper lines, and list items at this indentation, belong to a sibling's value.
                if (line.IsEmpty || line.FirstColumn > keyColumn || (line.FirstColumn == keyColumn && line.Dashes.Count > 0))
                {
                    continue;
                }

                if (line.Key is { } key && line.ContentColumn == keyColumn)
                {
                    keys.Add(key);
                }

                if (line.FirstColumn < keyColumn)
                {
                    break;
                }
            }
        }

        for (var k = lineIndex + 1; k < lines.Length; k++)
        {
            if (IsDeeperOrEmpty(lines[k], keyColumn))
            {
                continue;
            }

            var line = YamlLine.Parse(lines[k]);
            if (line.IsEmpty || line.FirstColumn > keyColumn || (line.FirstColumn == keyColumn && line.Dashes.Count > 0))
            {
                continue;
            }

            if (line.FirstColumn < keyColumn)
            {
                break;
            }

            if (line.Key is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}
