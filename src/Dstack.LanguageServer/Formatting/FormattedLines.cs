using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Formatting;

/// <summary>
/// The new text of each line under an <see cref="IndentLayout"/>: block elements at their column; what continues
/// them (block scalar content, multi-line scalars and flow collections) moved by the same amount as the line they
/// belong to; comments aligned with the element they sit next to; trailing whitespace trimmed except inside block scalars.
/// </summary>
public static class FormattedLines
{
    /// <summary>The new content of every line of <paramref name="lines"/> (line breaks excluded).</summary>
    public static string[] Of(IReadOnlyList<string> lines, IndentLayout layout, bool trim)
    {
        var result = new string[lines.Count];
        var indents = lines.Select(Indent).ToArray();
        var blockContent = BlockScalarLines(lines, layout, indents);
        var structural = layout.Columns.Keys.Order().ToArray();
        var delta = 0;
        var previous = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (layout.Columns.TryGetValue(i, out var column))
            {
                delta = column - indents[i];
                previous = i;
                result[i] = Trim(new string(' ', column) + line[indents[i]..], trim);
            }
            else if (blockContent.TryGetValue(i, out var contentIndent))
            {
                // Inside a block scalar: spaces past the content indentation are content, and so is trailing whitespace.
                result[i] = IsBlank(line) && line.Length <= contentIndent ? (trim ? string.Empty : line) : Shift(line, delta);
            }
            else if (layout.Continuations.Contains(i))
            {
                result[i] = Trim(Shift(line, delta), trim);
            }
            else if (IsBlank(line))
            {
                result[i] = trim ? string.Empty : line;
            }
            else
            {
                // A comment, or a line the tree does not hold (a duplicate key, which the reader drops): aligned like a comment.
                result[i] = Trim(Aligned(line, indents[i], i, previous, structural, layout, indents), trim);
            }
        }

        return result;
    }

    /// <summary>A comment moves with the element it is aligned with: the next one, else the previous one; otherwise it stays.</summary>
    private static string Aligned(string line, int indent, int index, int previous, int[] structural, IndentLayout layout, int[] indents)
    {
        var nextIndex = Array.BinarySearch(structural, index);
        nextIndex = nextIndex < 0 ? ~nextIndex : nextIndex;
        if (nextIndex < structural.Length && indents[structural[nextIndex]] == indent)
        {
            return new string(' ', layout.Columns[structural[nextIndex]]) + line[indent..];
        }

        if (previous >= 0 && indents[previous] == indent)
        {
            return new string(' ', layout.Columns[previous]) + line[indent..];
        }

        return line;
    }

    /// <summary>
    /// The content lines of each block scalar, with its content indentation: the lines after its header up to the next
    /// block element, that are blank or indented deeper than the element holding the header.
    /// </summary>
    private static Dictionary<int, int> BlockScalarLines(IReadOnlyList<string> lines, IndentLayout layout, int[] indents)
    {
        var content = new Dictionary<int, int>();
        foreach (var header in layout.BlockScalarHeaders)
        {
            var owner = layout.Columns.Keys.Where(l => l <= header).DefaultIfEmpty(-1).Max();
            var ownerIndent = owner < 0 ? -1 : indents[owner];
            var end = header + 1;
            while (end < lines.Count && !layout.Columns.ContainsKey(end))
            {
                end++;
            }

            var body = Enumerable.Range(header + 1, end - header - 1).Where(l => !IsBlank(lines[l]) && indents[l] > ownerIndent).ToList();
            var contentIndent = body.Count == 0 ? int.MaxValue : body.Min(l => indents[l]);
            foreach (var l in Enumerable.Range(header + 1, end - header - 1).Where(l => IsBlank(lines[l]) || indents[l] > ownerIndent))
            {
                content[l] = contentIndent;
            }
        }

        return content;
    }

    private static string Shift(string line, int delta) =>
        delta >= 0 ? (line.Length == 0 ? line : new string(' ', delta) + line) : line[Math.Min(-delta, Indent(line))..];

    private static string Trim(string line, bool trim) => trim ? line.TrimEnd(' ', '\t') : line;

    private static int Indent(string line)
    {
        var n = 0;
        while (n < line.Length && line[n] == ' ')
        {
            n++;
        }

        return n;
    }

    private static bool IsBlank(string line) => line.All(c => c is ' ' or '\t');
}
