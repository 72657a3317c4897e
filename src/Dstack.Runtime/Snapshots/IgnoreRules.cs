namespace Dstack.Runtime.Snapshots;

/// <summary>
/// Answers "is this path left out of the working copy?" for paths below a root folder, the way git does:
/// <c>.gitignore</c> files at any level (a nested one applies to its subtree and wins over its parents), then,
/// inside a git work tree, <c>.git/info/exclude</c> and git's global excludes file; within a file the last matching pattern decides, and
/// <c>!</c> re-includes unless a parent folder is excluded. <c>.dstackignore</c> files are a second, separate set
/// with the same syntax: a path is excluded when either set excludes it. <c>.git</c> folders are always excluded.
/// </summary>
/// <remarks>
/// When the root is a subfolder of a git work tree, the ignore files of the folders above it (up to the work
/// tree's top) apply too, as they do for git. Ignore files are read once, on first use; load a new instance to see
/// edits. Instances are safe to use from several threads.
/// </remarks>
public sealed class IgnoreRules
{
    public const string GitIgnoreFileName = ".gitignore";
    public const string DstackIgnoreFileName = ".dstackignore";

    private readonly object gate = new();
    private readonly string topPrefix;
    private readonly IgnoreFile[] outerGit;
    private readonly IgnoreFile[] outerDstack;
    private readonly Dictionary<string, (IgnoreFile? Git, IgnoreFile? Dstack)> byFolder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> folderVerdicts = new(StringComparer.Ordinal);

    private IgnoreRules(string root, IgnoreSources sources, string topPrefix, IgnoreFile[] outerGit, IgnoreFile[] outerDstack)
    {
        Root = root;
        Sources = sources;
        this.topPrefix = topPrefix;
        this.outerGit = outerGit;
        this.outerDstack = outerDstack;
    }

    /// <summary>The folder the relative paths given to <see cref="IsExcluded"/> start from (a full path).</summary>
    public string Root { get; }

    public IgnoreSources Sources { get; }

    /// <summary>Reads the rules that apply below <paramref name="root"/>: nothing is read there until a path asks for it.</summary>
    public static IgnoreRules Load(string root, IgnoreSources sources = IgnoreSources.All)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var tree = GitWorkTree.Find(root);
        var top = tree?.Top ?? root;
        var below = RelativePath.Below(top, root) ?? "";
        var prefix = below.Length == 0 ? "" : below + "/";

        // Lowest precedence first: the global file, info/exclude, then the folders from the top down to root's parent.
        var git = new List<IgnoreFile?>();
        var dstack = new List<IgnoreFile?>();
        if (sources.HasFlag(IgnoreSources.Git) && tree is not null)
        {
            if (tree.GlobalExcludesFile() is { } global)
            {
                git.Add(IgnoreFile.Read(global, ""));
            }

            git.Add(IgnoreFile.Read(Path.Combine(tree.CommonDir, "info", "exclude"), ""));
        }

        if (below.Length > 0)
        {
            var folder = "";
            foreach (var segment in below.Split('/'))
            {
                if (sources.HasFlag(IgnoreSources.Git))
                {
                    git.Add(IgnoreFile.Read(Path.Combine(top, folder, GitIgnoreFileName), folder));
                }

                if (sources.HasFlag(IgnoreSources.Dstack))
                {
                    dstack.Add(IgnoreFile.Read(Path.Combine(top, folder, DstackIgnoreFileName), folder));
                }

                folder = RelativePath.Join(folder, segment);
            }
        }

        return new IgnoreRules(root, sources, prefix, [.. git.OfType<IgnoreFile>()], [.. dstack.OfType<IgnoreFile>()]);
    }

    /// <summary>True for the names of the files these rules are read from.</summary>
    public static bool IsIgnoreFileName(string name) => name is GitIgnoreFileName or DstackIgnoreFileName;

    /// <summary>
    /// True when <paramref name="relativePath"/> (from <see cref="Root"/>, '/' or '\' separators) is left out: it is
    /// or is inside a <c>.git</c> folder, it leaves the root, a folder above it is excluded, or a pattern excludes it.
    /// </summary>
    public bool IsExcluded(string relativePath, bool isDirectory)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        if (path.Length == 0)
        {
            return false;
        }

        if (!RelativePath.IsSafe(path))
        {
            return true;
        }

        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            if (IsFolderExcluded(path[..slash]))
            {
                return true;
            }
        }

        return IsEntryExcluded(path, isDirectory);
    }

    /// <summary>The verdict for the entry itself, assuming the folders above it are not excluded (as in a walk that skips them).</summary>
    internal bool IsEntryExcluded(string path, bool isDirectory)
    {
        if (RelativePath.Name(path) == ".git")
        {
            return true;
        }

        return Sources.HasFlag(IgnoreSources.Git) && Decide(path, isDirectory, git: true)
            || Sources.HasFlag(IgnoreSources.Dstack) && Decide(path, isDirectory, git: false);
    }

    private bool IsFolderExcluded(string folder)
    {
        lock (gate)
        {
            if (folderVerdicts.TryGetValue(folder, out var known))
            {
                return known;
            }
        }

        var verdict = IsEntryExcluded(folder, isDirectory: true);
        lock (gate)
        {
            folderVerdicts[folder] = verdict;
        }

        return verdict;
    }

    // From the highest precedence down: the ignore file of the path's own folder, its parents' up to the root,
    // then the files above the root. The first file with a matching pattern decides.
    private bool Decide(string path, bool isDirectory, bool git)
    {
        var fromTop = topPrefix + path;
        var folder = RelativePath.Parent(path);
        while (true)
        {
            var files = FilesIn(folder);
            if ((git ? files.Git : files.Dstack)?.Match(fromTop, isDirectory) is { } verdict)
            {
                return verdict;
            }

            if (folder.Length == 0)
            {
                break;
            }

            folder = RelativePath.Parent(folder);
        }

        var outer = git ? outerGit : outerDstack;
        for (var i = outer.Length - 1; i >= 0; i--)
        {
            if (outer[i].Match(fromTop, isDirectory) is { } verdict)
            {
                return verdict;
            }
        }

        return false;
    }

    private (IgnoreFile? Git, IgnoreFile? Dstack) FilesIn(string folder)
    {
        lock (gate)
        {
            if (byFolder.TryGetValue(folder, out var known))
            {
                return known;
            }
        }

        var full = folder.Length == 0 ? Root : Path.Join(Root, folder);
        var fromTop = topPrefix + folder;
        fromTop = fromTop.TrimEnd('/');
        var files = (
            Sources.HasFlag(IgnoreSources.Git) ? IgnoreFile.Read(Path.Combine(full, GitIgnoreFileName), fromTop) : null,
            Sources.HasFlag(IgnoreSources.Dstack) ? IgnoreFile.Read(Path.Combine(full, DstackIgnoreFileName), fromTop) : null);
        lock (gate)
        {
            byFolder[folder] = files;
        }

        return files;
    }
}
