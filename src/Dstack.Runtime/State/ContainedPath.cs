namespace Dstack.Runtime.State;

/// <summary>
/// Paths built from a name under a parent folder ($DSTACK_HOME/runs/&lt;run&gt;, ssh/probes/&lt;host&gt;-…), proven to stay
/// strictly inside that parent, as written and on disk (symbolic links resolved), before anything is created or deleted.
/// </summary>
public static class ContainedPath
{
    private const int MaxLinks = 40;

    /// <summary>
    /// <c>parent/name</c>, where <paramref name="name"/> must be one plain path segment: not empty, <c>.</c> or <c>..</c>,
    /// not absolute, without a separator or a NUL. Throws <see cref="UnsafePathException"/> otherwise.
    /// </summary>
    public static string Child(string parent, string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || Path.IsPathRooted(name))
        {
            throw new UnsafePathException($"`{name}` cannot name something inside {parent}: a name must be one plain path segment (not empty, '.' or '..', no '/'); this is a bug or a damaged state, please report it");
        }

        return Path.Join(parent, name);
    }

    /// <summary>
    /// True when <paramref name="path"/> is strictly inside <paramref name="parent"/>: after <c>..</c> is resolved, and on
    /// disk, where the folder that holds it (its symbolic links followed) is <paramref name="parent"/> or inside it.
    /// The path itself may be a link: deleting it removes the link, never what it points to.
    /// </summary>
    public static bool IsInside(string parent, string path)
    {
        var fullParent = Path.TrimEndingDirectorySeparator(Path.GetFullPath(parent));
        var fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!IsBelow(fullParent, fullPath))
        {
            return false;
        }

        var realParent = RealPath(fullParent);
        var realHolder = RealPath(Path.GetDirectoryName(fullPath)!);
        return realHolder == realParent || IsBelow(realParent, realHolder);
    }

    /// <summary>
    /// Deletes the folder (with its content), file or link at <paramref name="path"/>, only when <see cref="IsInside"/>
    /// proves it inside <paramref name="parent"/>; throws <see cref="UnsafePathException"/> otherwise. Nothing there is fine.
    /// </summary>
    public static void Delete(string parent, string path)
    {
        if (!IsInside(parent, path))
        {
            throw new UnsafePathException($"refused to delete {path}: it is not inside {parent}; nothing was deleted");
        }

        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static bool IsBelow(string parent, string path)
    {
        var prefix = parent.EndsWith(Path.DirectorySeparatorChar) ? parent : parent + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The path with every symbolic link among its existing parts followed; the parts that do not exist are kept as written.</summary>
    private static string RealPath(string fullPath, int depth = 0)
    {
        var parentPath = Path.GetDirectoryName(fullPath);
        if (parentPath is null)
        {
            return fullPath;
        }

        var candidate = Path.Join(RealPath(parentPath, depth), Path.GetFileName(fullPath));
        var target = new FileInfo(candidate).LinkTarget;
        if (target is null)
        {
            return candidate;
        }

        if (depth >= MaxLinks)
        {
            throw new UnsafePathException($"{fullPath}: too many levels of symbolic links");
        }

        return RealPath(Path.GetFullPath(target, Path.GetDirectoryName(candidate)!), depth + 1);
    }
}
