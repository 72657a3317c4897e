namespace Dstack.Runtime.Snapshots;

/// <summary>Paths relative to a snapshot's root, always with '/' separators, never leaving the root.</summary>
internal static class RelativePath
{
    /// <summary>True when <paramref name="path"/> is relative, non-empty, and has no empty, '.' or '..' segment.</summary>
    public static bool IsSafe(string path)
    {
        if (path.Length == 0 || path[0] == '/' || path.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(path))
        {
            return false;
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The folder holding <paramref name="path"/>: <c>a/b</c> for <c>a/b/c</c>, the empty string for <c>c</c>.</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Join(string folder, string name) => folder.Length == 0 ? name : folder + "/" + name;

    /// <summary>The path of <paramref name="full"/> below <paramref name="root"/> with '/' separators, or null when it is not below it.</summary>
    public static string? Below(string root, string full)
    {
        var relative = Path.GetRelativePath(root, full).Replace('\\', '/');
        return relative == "." ? "" : IsSafe(relative) ? relative : null;
    }

    /// <summary>
    /// The full path of <paramref name="path"/> under <paramref name="root"/>; throws when the result would not be
    /// strictly inside it, so a bad entry can never write elsewhere.
    /// </summary>
    public static string Under(string root, string path)
    {
        var full = Path.GetFullPath(Path.Join(root, path));
        if (!IsSafe(path) || !full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new SnapshotException($"refusing to write '{path}': it is not a plain path inside {root}; this is a bug in the file listing, please report it", path);
        }

        return full;
    }
}
