using System.CommandLine;

namespace Dstack.Cli.Rendering;

/// <summary>
/// System.CommandLine's help lists a subcommand with its arguments as <c>run &lt;DIR&gt;</c> even when they may be
/// left out, which reads as required. This rewrites the <c>Commands:</c> list of a help text as the usage line writes
/// arguments: <c>run [&lt;DIR&gt;]</c>, <c>validate [&lt;PATH&gt;...]</c>, <c>logs &lt;RUN&gt;</c>; the descriptions are
/// realigned.
/// </summary>
public static class CommandListLabels
{
    private const string Heading = "Commands:";
    private const string Indent = "  ";
    private const int Gap = 2;

    public static string ShowOptionalArguments(string help, Command shown)
    {
        var newline = help.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = help.Split(newline);
        var start = Array.FindIndex(lines, line => line.TrimEnd() == Heading);
        if (start < 0)
        {
            return help;
        }

        var end = start + 1;
        while (end < lines.Length && lines[end].Trim().Length > 0)
        {
            end++;
        }

        // Entries start with the indent and a name; wrapped description lines are indented up to the description column.
        var entries = Enumerable.Range(start + 1, end - start - 1).Where(i => IsEntry(lines[i])).ToList();
        if (entries.Count == 0 || DescriptionColumn(lines[entries[0]]) is not { } oldColumn)
        {
            return help;
        }

        var labels = entries.ToDictionary(i => i, i => Label(lines[i], oldColumn, shown));
        var newColumn = Math.Max(oldColumn, labels.Values.Max(l => Indent.Length + l.Length + Gap));
        for (var i = start + 1; i < end; i++)
        {
            var description = lines[i].Length > oldColumn ? lines[i][oldColumn..] : labels.ContainsKey(i) ? string.Empty : lines[i].TrimStart();
            var first = labels.TryGetValue(i, out var label) ? Indent + label : string.Empty;
            lines[i] = first.PadRight(newColumn) + description;
        }

        return string.Join(newline, lines);
    }

    private static bool IsEntry(string line) => line.Length > Indent.Length && line.StartsWith(Indent, StringComparison.Ordinal) && line[Indent.Length] != ' ';

    /// <summary>Where the description starts: after the first gap of two or more blanks following the label.</summary>
    private static int? DescriptionColumn(string entry)
    {
        var gap = entry.IndexOf("  ", Indent.Length, StringComparison.Ordinal);
        if (gap < 0)
        {
            return null;
        }

        var column = gap;
        while (column < entry.Length && entry[column] == ' ')
        {
            column++;
        }

        return column < entry.Length ? column : null;
    }

    private static string Label(string entry, int column, Command shown)
    {
        var written = entry[..Math.Min(column, entry.Length)].Trim();
        var name = written.Split(' ')[0];
        var command = shown.Subcommands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name));
        if (command is null || !command.Arguments.Any(a => !a.Hidden && a.Arity.MinimumNumberOfValues == 0))
        {
            return written;
        }

        return string.Join(' ', [written.Split(' ')[0], .. command.Arguments.Where(a => !a.Hidden).Select(ArgumentLabel)]);
    }

    private static string ArgumentLabel(Argument argument)
    {
        var label = $"<{argument.HelpName ?? argument.Name}>{(argument.Arity.MaximumNumberOfValues > 1 ? "..." : string.Empty)}";
        return argument.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label;
    }
}
