using Dstack.LanguageServer.Editing;

namespace Dstack.LanguageServer.Workflows;

/// <summary>
/// The workflow a line of a workflows file belongs to, read from the text alone (so a half-written file still has
/// one): the item of the top-level <c>workflows:</c> list around the line, and the <c>name:</c> of that item.
/// </summary>
public static class WorkflowLines
{
    /// <summary>The name of the workflow that contains <paramref name="line"/> (0-based), unquoted; null outside any, or for one without a name yet.</summary>
    public static string? NameAt(IReadOnlyList<string> lines, int line)
    {
        if (line < 0 || line >= lines.Count)
        {
            return null;
        }

        // The top-level key above (or at) the line must be `workflows`.
        var top = line;
        while (top >= 0 && IsInside(YamlLine.Parse(lines[top])))
        {
            top--;
        }

        if (top < 0 || YamlLine.Parse(lines[top]) is not { Key: "workflows", Dashes.Count: 0 } || top == line)
        {
            return null;
        }

        var first = top + 1;
        while (first < lines.Count && YamlLine.Parse(lines[first]).IsEmpty)
        {
            first++;
        }

        if (first >= lines.Count || first > line)
        {
            return null;
        }

        var opening = YamlLine.Parse(lines[first]);
        if (opening.Dashes.Count == 0)
        {
            // `workflows:` written as one mapping (read as a list of one, with a warning): the whole block is that workflow.
            return NameIn(lines, first, opening.ContentColumn, endsBelow: opening.ContentColumn);
        }

        var dash = opening.Dashes[0];
        var start = line;
        while (start > first && !IsItemStart(YamlLine.Parse(lines[start]), dash))
        {
            start--;
        }

        var item = YamlLine.Parse(lines[start]);
        // The item ends at the next line as far left as its dash: the next item, or a top-level key.
        return IsItemStart(item, dash) ? NameIn(lines, start, item.ContentColumn, endsBelow: dash + 1) : null;
    }

    /// <summary>Not a top-level key: blank, indented, or a list item (which may start at column 0 under its key).</summary>
    private static bool IsInside(YamlLine line) => line.IsEmpty || line.FirstColumn > 0 || line.Dashes.Count > 0;

    private static bool IsItemStart(YamlLine line, int dash) => line.Dashes.Count > 0 && line.Dashes[0] == dash;

    /// <summary>The <c>name</c> written at <paramref name="keyColumn"/> in the block from <paramref name="start"/> until a line that starts left of <paramref name="endsBelow"/>.</summary>
    private static string? NameIn(IReadOnlyList<string> lines, int start, int keyColumn, int endsBelow)
    {
        for (var i = start; i < lines.Count; i++)
        {
            var line = YamlLine.Parse(lines[i]);
            if (i > start && !line.IsEmpty && line.FirstColumn < endsBelow)
            {
                break;
            }

            if (line.Key == "name" && line.ContentColumn == keyColumn && (i == start || line.Dashes.Count == 0))
            {
                var value = line.Value.Trim();
                value = value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;
                return value.Length == 0 ? null : value;
            }
        }

        return null;
    }
}
