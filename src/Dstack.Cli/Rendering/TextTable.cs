namespace Dstack.Cli.Rendering;

/// <summary>A plain table, columns padded to their widest cell: readable in a terminal, and stable for scripts that cut columns.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, bool color)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        for (var r = 0; r < all.Count; r++)
        {
            var cells = Enumerable.Range(0, header.Count).Select(c => (c < all[r].Count ? all[r][c] : string.Empty).PadRight(c == header.Count - 1 ? 0 : widths[c]));
            var line = " " + string.Join("  ", cells).TrimEnd();
            output.WriteLine(r == 0 && color ? $"\u001b[1m{line}\u001b[0m" : line);
        }
    }
}
