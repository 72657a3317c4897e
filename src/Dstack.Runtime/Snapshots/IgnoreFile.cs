using MAB.DotIgnore;

namespace Dstack.Runtime.Snapshots;

/// <summary>
/// The patterns of one ignore file (<c>.gitignore</c>, <c>.dstackignore</c>, <c>info/exclude</c>), matched against
/// paths relative to the folder it applies to, with git's rule that the last matching pattern decides.
/// </summary>
internal sealed class IgnoreFile
{
    private readonly IgnoreRule[] rules;

    private IgnoreFile(string folder, IgnoreRule[] rules)
    {
        Folder = folder;
        this.rules = rules;
    }

    /// <summary>The folder the patterns are relative to, as a path from the work tree's top ("" for the top).</summary>
    public string Folder { get; }

    /// <summary>Reads <paramref name="file"/>; null when it does not exist, cannot be read, or holds no pattern.</summary>
    public static IgnoreFile? Read(string file, string folder)
    {
        string[] lines;
        try
        {
            if (!File.Exists(file))
            {
                return null;
            }

            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // git skips an ignore file it cannot read too.
            return null;
        }

        var rules = Parse(lines);
        return rules.Length == 0 ? null : new IgnoreFile(folder, rules);
    }

    public static IgnoreRule[] Parse(IEnumerable<string> lines)
    {
        var rules = new List<IgnoreRule>();
        foreach (var raw in lines)
        {
            var line = TrimTrailingSpaces(raw.TrimEnd('\r'));
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            try
            {
                rules.Add(new IgnoreRule(line, MatchFlags.PATHNAME));
            }
            catch (ArgumentException)
            {
                // A pattern the matcher cannot read matches nothing, as in git.
            }
        }

        return [.. rules];
    }

    /// <summary>
    /// True when the last pattern matching <paramref name="path"/> (relative to the top) ignores it, false when
    /// it is a <c>!</c> pattern, null when no pattern matches. The caller ensures the path is below <see cref="Folder"/>.
    /// </summary>
    public bool? Match(string path, bool isDirectory)
    {
        var relative = Folder.Length == 0 ? path : path[(Folder.Length + 1)..];
        for (var i = rules.Length - 1; i >= 0; i--)
        {
            if (rules[i].IsMatch(relative, isDirectory))
            {
                return !rules[i].PatternFlags.HasFlag(PatternFlags.NEGATION);
            }
        }

        return null;
    }

    // git drops trailing spaces unless the last one is escaped with a backslash.
    private static string TrimTrailingSpaces(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] == ' ' && !(end >= 2 && line[end - 2] == '\\'))
        {
            end--;
        }

        return line[..end];
    }
}
